#!/usr/bin/env python3
"""Builds test/fixtures/models/tiny-random-embedder: a tiny RANDOM-weight BERT sentence-embedding model
(BertModel, no head) in the Hugging Face folder layout that transformers.js loads for 'feature-extraction'.

Nothing here is pretrained: the weights are drawn from seeded normal distributions, and the WordPiece
tokenizer is built by this script from the short product-feedback corpus below (every corpus word, frequent
pieces, and every printable ASCII character with its ## form, so any ASCII text tokenizes without [UNK]).
The embeddings carry no meaning; they exist so the whole local embedding path (tokenizer, padding, ONNX
encoder, mean pooling, L2 normalization, embeddings used as classifier features) runs for real in tests.

With BERT's own initializer (std 0.02 everywhere) the mean-pooled vectors of any two texts have cosine
~0.95 (the shared position embeddings dominate) and the layers barely change their input. So word
embeddings are drawn with std 1 (PyTorch's nn.Embedding default) and the encoder's dense weights with
std 0.1: different texts then get clearly different vectors (mean pairwise cosine ~0.35) and attention
(hence the attention mask) visibly changes the output.

The BERT computation and the tokenizer are reused from sentiment_model.py and sentiment_tokenizer.py.

Layout written:
  config.json               model_type "bert", architectures ["BertModel"] (+ transformers.js_config: fp32)
  tokenizer.json            BertNormalizer + BertPreTokenizer + WordPiece, [CLS] $A [SEP] template
  tokenizer_config.json     BertTokenizer, do_lower_case, model_max_length 128, special token names
  special_tokens_map.json   [PAD] [UNK] [CLS] [SEP] [MASK]
  onnx/model.onnx           inputs  input_ids, attention_mask, token_type_ids (int64, batch x sequence)
                            output  last_hidden_state (float32, batch x sequence x 32)
  reference.json            mean-pooled (attention mask, special tokens included), L2-normalized
                            embeddings computed by PyTorch on a padded batch, for the tests to compare
  README.md                 short model card

Run with Debian's python (torch 1.13 + onnx): /usr/bin/python3 scripts/models/make_tiny_embedder.py [OUT_DIR]
"""
import collections
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sentiment_tokenizer as st  # noqa: E402
from sentiment_model import BertConfigLite, BertForSequenceClassification  # noqa: E402

torch.set_num_threads(2)
torch.manual_seed(1234)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, 'test', 'fixtures', 'models', 'tiny-random-embedder')

# ---------------------------------------------------------------------------------------------
# 1. Tokenizer: BERT WordPiece vocabulary built from a small corpus written for this fixture.
# ---------------------------------------------------------------------------------------------
CORPUS = """
The app crashes every time I open a large project.
It crashed again after the latest update, please fix it.
The app freezes when I switch between projects.
Sync fails when the network drops and my changes are lost.
Sync between my phone and laptop takes minutes, not seconds.
Offline mode would help, the sync is not reliable on the train.
Export to PDF is slow and the tables look broken.
Please add export to CSV and Excel for the reports.
The export button is hidden in the settings menu.
Pricing is confusing, I do not understand which plan I need.
The new pricing is too expensive for a small team.
A cheaper plan for students would be great.
Support answered my ticket within an hour, thank you.
Support never replied to my email about billing.
The support team was friendly and solved the problem quickly.
Please add a dark mode, the white screen hurts my eyes at night.
Dark mode is finally here and it looks great.
The dark mode colors make the text hard to read.
I love this app, it saves me hours every week.
Great app, simple and fast, exactly what our team needed.
Best tool for planning I have used, highly recommended.
Onboarding was easy and the tutorial was clear.
Login fails with an error after I reset my password.
Notifications arrive too late or not at all.
Search does not find notes that I created yesterday.
The calendar integration is great but it duplicates events.
It would be nice to share boards with people outside the company.
The mobile app is missing features that the web app has.
Loading the dashboard takes too long on older computers.
I was charged twice this month, please refund me.
The import from spreadsheets works well, nice job.
Keyboard shortcuts would make editing much faster.
The new design is clean, but the buttons are too small.
Every update breaks something, I am losing trust.
Thanks for fixing the crash on startup, it works now.
""".strip()

MAXPOS = 128
word_counts = collections.Counter()
for line in CORPUS.splitlines():
    word_counts.update(st.pre_tokenize(line))
vocab = st.build_vocab(word_counts, size=300, max_cjk=0, min_char=1)  # chars, frequent words, pieces
for w in sorted(word_counts, key=lambda w: (-word_counts[w], w)):  # then every remaining corpus word
    if w not in vocab:
        vocab.append(w)
# Every printable ASCII character (after lowercasing) as a word start and as a ## continuation.
ascii_chars = [chr(c) for c in range(0x21, 0x7F) if not chr(c).isupper()]
for ch in ascii_chars + ['##' + ch for ch in ascii_chars]:
    if ch not in vocab:
        vocab.append(ch)
VOCAB_SIZE = len(vocab)
wp = st.WordPiece(vocab)

# ---------------------------------------------------------------------------------------------
# 2. Model: BERT encoder without a head (the encoder of sentiment_model.BertForSequenceClassification,
#    whose initializer draws N(0, 0.02) weights, zero biases, unit LayerNorms, zero [PAD] embedding),
#    then word embeddings redrawn with std 1 and encoder dense weights with std 0.1 (see above).
# ---------------------------------------------------------------------------------------------
WORD_STD, DENSE_STD = 1.0, 0.1
HIDDEN, LAYERS, HEADS, INTER = 32, 2, 2, 64
cfg = BertConfigLite(VOCAB_SIZE, hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                     intermediate_size=INTER, max_position_embeddings=MAXPOS, type_vocab_size=2, num_labels=2)
model = BertForSequenceClassification(cfg).bert.eval()  # pooler and classifier are dropped
with torch.no_grad():
    model.embeddings.word_embeddings.weight.normal_(0.0, WORD_STD)
    model.embeddings.word_embeddings.weight[st.PAD].zero_()
    for p in model.layers.parameters():
        if p.dim() == 2:  # Linear weights; biases stay 0, LayerNorms stay 1/0
            p.normal_(0.0, DENSE_STD)


def collate(seqs):
    """Right-padded batch like transformers.js' tokenizer(texts, { padding: true })."""
    n = max(len(s) for s in seqs)
    ids = torch.tensor([s + [st.PAD] * (n - len(s)) for s in seqs])
    mask = torch.tensor([[1] * len(s) + [0] * (n - len(s)) for s in seqs])
    return ids, mask, torch.zeros_like(ids)


os.makedirs(os.path.join(OUT, 'onnx'), exist_ok=True)
onnx_path = os.path.join(OUT, 'onnx', 'model.onnx')
dummy = collate([wp.encode('export example sentence', MAXPOS), wp.encode('sync', MAXPOS)])
with torch.no_grad():
    torch.onnx.export(
        model, dummy, onnx_path,
        input_names=['input_ids', 'attention_mask', 'token_type_ids'], output_names=['last_hidden_state'],
        dynamic_axes={'input_ids': {0: 'batch_size', 1: 'sequence_length'},
                      'attention_mask': {0: 'batch_size', 1: 'sequence_length'},
                      'token_type_ids': {0: 'batch_size', 1: 'sequence_length'},
                      'last_hidden_state': {0: 'batch_size', 1: 'sequence_length'}},
        opset_version=14, do_constant_folding=True,
    )

import onnx  # noqa: E402

onnx.checker.check_model(onnx.load(onnx_path))

# ---------------------------------------------------------------------------------------------
# 3. Config files, a PyTorch reference for the tests, and a model card.
# ---------------------------------------------------------------------------------------------
config = {
    'architectures': ['BertModel'],
    'model_type': 'bert',
    'vocab_size': VOCAB_SIZE,
    'hidden_size': HIDDEN,
    'num_hidden_layers': LAYERS,
    'num_attention_heads': HEADS,
    'intermediate_size': INTER,
    'hidden_act': 'gelu',
    'hidden_dropout_prob': cfg.hidden_dropout_prob,
    'attention_probs_dropout_prob': cfg.attention_probs_dropout_prob,
    'max_position_embeddings': MAXPOS,
    'type_vocab_size': 2,
    'initializer_range': cfg.initializer_range,  # what BERT would use; this file's init is in _comment
    'layer_norm_eps': cfg.layer_norm_eps,
    'pad_token_id': st.PAD,
    'position_embedding_type': 'absolute',
    'use_cache': False,
    'torch_dtype': 'float32',
    'transformers.js_config': {'dtype': 'fp32'},
    '_comment': ('Tiny RANDOM-weight test model made by scripts/models/make_tiny_embedder.py (seed 1234; word embeddings '
                 f'N(0, {WORD_STD}), encoder dense weights N(0, {DENSE_STD}), position/type embeddings N(0, 0.02)); '
                 'its embeddings are meaningless.'),
}


def dump(name, obj, indent=1):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as f:
        json.dump(obj, f, ensure_ascii=False, indent=indent)
        f.write('\n')


dump('config.json', config)
dump('tokenizer.json', st.tokenizer_json(vocab, MAXPOS), indent=None)
dump('tokenizer_config.json', st.tokenizer_config(MAXPOS))
dump('special_tokens_map.json', st.special_tokens_map())

TEXTS = [
    'Sync fails.',
    'Please add a dark mode, and fix the export to PDF because the app crashes every time I try it on my laptop.',
    'The zeppelin widget glitched during checkout.',  # words not in the corpus
    'Café crème: l\'export échoue à chaque fois.',  # accents (stripped by the normalizer)
    '同步失败 sync fails',  # CJK characters become [UNK]
]
ids = [wp.encode(t, MAXPOS) for t in TEXTS]
with torch.no_grad():
    input_ids, mask, types = collate(ids)
    hidden = model(input_ids, mask, types)
    m = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * m).sum(1) / m.sum(1)
    emb = torch.nn.functional.normalize(pooled, p=2, dim=-1)
    cos = emb @ emb.T
    for i, s in enumerate(ids):  # padding must not change a text's embedding
        one = model(*collate([s]))
        alone = torch.nn.functional.normalize(one.mean(1), p=2, dim=-1)[0]
        assert (alone - emb[i]).abs().max() < 1e-5, f'padding changes the embedding of text {i}'
off_diag = cos[~torch.eye(len(TEXTS), dtype=torch.bool)]
assert off_diag.max() < 0.95, f'embeddings are nearly identical (max cosine {off_diag.max():.4f})'


def rows(xs):
    """A JSON list with one item per line (keeps reference.json small and readable)."""
    return '[\n  ' + ',\n  '.join(json.dumps(x, ensure_ascii=False) for x in xs) + '\n ]'


with open(os.path.join(OUT, 'reference.json'), 'w', encoding='utf-8') as f:
    f.write('{\n "pooling": "mean",\n "normalize": true,\n "dims": %d,\n "texts": %s,\n "input_ids": %s,\n "embeddings": %s\n}\n' % (
        HIDDEN, rows(TEXTS), rows(ids), rows([[round(float(x), 7) for x in row] for row in emb])))

README = f"""---
tags:
- feature-extraction
- sentence-similarity
- test-fixture
library_name: transformers.js
---

# tiny-random-embedder

A tiny BERT sentence-embedding model with **random weights**, used only as a test fixture for text
embeddings as classifier features. Nothing is pretrained and nothing was downloaded; the embeddings
carry no meaning. Do not use it for anything real.

- Architecture: `BertModel` (no head), hidden size {HIDDEN}, {LAYERS} layers, {HEADS} heads, intermediate size
  {INTER}, max {MAXPOS} positions. Seed 1234; word embeddings N(0, {WORD_STD}), encoder dense weights
  N(0, {DENSE_STD}), position/type embeddings N(0, 0.02), zero biases, unit LayerNorms.
- Tokenizer: lowercase BERT WordPiece (accents stripped, CJK characters split), {VOCAB_SIZE} entries, built
  from a few dozen product-feedback sentences plus every printable ASCII character (and its `##` form).
- Files: `onnx/model.onnx` (fp32, opset 14; inputs `input_ids`, `attention_mask`, `token_type_ids`;
  output `last_hidden_state` [batch, sequence, {HIDDEN}]), `config.json`, `tokenizer.json`,
  `tokenizer_config.json`, `special_tokens_map.json`.
- `reference.json`: token ids and embeddings of a few texts computed by PyTorch on a padded batch, mean-pooled over
  the attention mask (special tokens included) and L2-normalized, as
  `pipeline('feature-extraction', dir)(texts, {{ pooling: 'mean', normalize: true }})` should return them.

Regenerate (deterministic) with Debian's python (torch 1.13 + onnx):

```
/usr/bin/python3 scripts/models/make_tiny_embedder.py
```
"""
with open(os.path.join(OUT, 'README.md'), 'w', encoding='utf-8') as f:
    f.write(README)

size = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(OUT) for f in fs)
print(f'wrote {OUT}: vocab {VOCAB_SIZE}, {sum(p.numel() for p in model.parameters())} parameters, '
      f'max off-diagonal cosine {off_diag.max():.4f}, {size} bytes')
