#!/usr/bin/env python3
"""Builds test/fixtures/models/tiny-random-decoder: a tiny RANDOM-weight Llama-style decoder in the
Hugging Face folder layout that transformers.js loads for 'text-generation'.

Nothing here is pretrained: the weights are drawn from a seeded normal distribution, the byte-level
BPE tokenizer is trained by this script on the short corpus below, and the chat template is written
here. The model writes gibberish; it exists so the whole local generation path (chat template,
tokenizer, ONNX decoder with KV cache, sampling, streaming, stop strings, cancellation) runs for real.

Layout written:
  config.json               model_type "llama" (+ transformers.js_config: fp32)
  generation_config.json    eos = <|im_end|>, <|endoftext|>
  tokenizer.json            ByteLevel pre-tokenizer/decoder + BPE model, special tokens as added_tokens
  tokenizer_config.json     chat_template (ChatML-style), special token names
  onnx/model.onnx           inputs  input_ids, attention_mask, position_ids, past_key_values.{i}.key/value
                            outputs logits, present.{i}.key/value
  reference.json            greedy continuation computed by PyTorch (no cache), for the tests to compare

Run with Debian's python (torch 1.13 + onnx): /usr/bin/python3 scripts/models/make_tiny_decoder.py [OUT_DIR]
"""
import collections
import json
import math
import os
import re
import sys

import torch
import torch.nn as nn

torch.set_num_threads(2)
torch.manual_seed(1234)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(ROOT, 'test', 'fixtures', 'models', 'tiny-random-decoder')

# ---------------------------------------------------------------------------------------------
# 1. Tokenizer: byte-level BPE trained on a small corpus written for this fixture.
# ---------------------------------------------------------------------------------------------
CORPUS = """
Product teams write requirements, marketing copy and personas from what their users tell them.
A product requirements document states the problem, the goals, the users and the success metrics.
Users said the export is slow and the sync fails when the network drops.
Customers want a faster onboarding flow, clearer pricing and a dark mode.
The checkout page crashed twice this week; support tickets doubled after the release.
Our goal is to reduce churn by improving reliability and to grow activation in the first week.
Non-goals: we will not redesign the billing system in this quarter.
As a project manager, I want to see every open task on one board so that I can plan the sprint.
As a new user, I want to import my data from a spreadsheet so that I can start quickly.
Headline: Plan less, ship more. Body: One workspace for your roadmap, feedback and releases.
Call to action: Start your free trial today.
Attention, interest, desire, action. Problem, agitate, solve. Features, advantages, benefits.
Before, after, bridge: before the tool, teams lost hours; after it, they ship every week.
Persona: Maria, operations lead, manages a team of twelve and needs reliable reports every Monday.
Frustrations: slow exports, confusing settings, notifications that arrive too late.
Motivations: saving time, looking prepared in front of leadership, fewer surprises.
Risks: the data may be incomplete; the sample may not represent enterprise customers.
Open questions: which segment matters most, and how will we measure the baseline?
Numbers 0 1 2 3 4 5 6 7 8 9 10 25 50 100 percent % of items, mentions, share, count.
## Summary ## Problem ## Goals ## Users ## Requirements ## Metrics ## Risks
- bullet points, **bold**, _italic_, "quotes", (parentheses), [links](file.md#L12), `code`.
The quick brown fox jumps over the lazy dog. Hello world, thank you, great app, love it, hate it.
""".strip()


def byte_alphabet():
    """Maps each byte to a printable unicode character (printable Latin-1 bytes map to themselves,
    the rest to code points from 256 up, in byte order) - the convention ByteLevel decoders use."""
    keep = list(range(ord('!'), ord('~') + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    mapping = {}
    extra = 0
    for b in range(256):
        if b in keep:
            mapping[b] = chr(b)
        else:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


BYTE2CHAR = byte_alphabet()
# Pre-split like the ByteLevel pre-tokenizer: contractions, optional space + letters/digits/other, spaces.
SPLIT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+(?!\S)|\s+""", re.UNICODE)


def train_bpe(text, num_merges):
    words = collections.Counter()
    for piece in SPLIT.findall(text):
        words[tuple(BYTE2CHAR[b] for b in piece.encode('utf-8'))] += 1
    merges = []
    words = dict(words)
    for _ in range(num_merges):
        pairs = collections.Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        # Most frequent pair; ties broken by the pair itself so the result is deterministic.
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        if pairs[best] < 2:
            break
        merges.append(best)
        merged = {}
        for w, c in words.items():
            out = []
            i = 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + c
        words = merged
    return merges


merges = train_bpe(CORPUS, 600)
vocab = {}
for b in range(256):
    vocab[BYTE2CHAR[b]] = len(vocab)
for a, b in merges:
    if a + b not in vocab:
        vocab[a + b] = len(vocab)
SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>']
special_ids = {}
for s in SPECIALS:
    special_ids[s] = len(vocab)
    vocab[s] = len(vocab)
VOCAB_SIZE = len(vocab)
EOS = special_ids['<|im_end|>']
PAD = special_ids['<|endoftext|>']

tokenizer_json = {
    'version': '1.0',
    'truncation': None,
    'padding': None,
    'added_tokens': [
        {'id': special_ids[s], 'content': s, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
        for s in SPECIALS
    ],
    'normalizer': None,
    'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
    'post_processor': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': False, 'use_regex': True},
    'decoder': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
    'model': {
        'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': None, 'end_of_word_suffix': None,
        'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
        'vocab': {k: v for k, v in vocab.items() if k not in SPECIALS},
        'merges': [[a, b] for a, b in merges],
    },
}
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
tokenizer_config = {
    'tokenizer_class': 'PreTrainedTokenizerFast',
    'model_max_length': 4096,
    'bos_token': None,
    'eos_token': '<|im_end|>',
    'pad_token': '<|endoftext|>',
    'unk_token': None,
    'additional_special_tokens': ['<|im_start|>', '<|im_end|>'],
    'clean_up_tokenization_spaces': False,
    'chat_template': CHAT_TEMPLATE,
}


def encode(text):
    """Reference BPE encoder (specials split out first), used only for reference.json."""
    ranks = {m: i for i, m in enumerate(merges)}
    ids = []
    parts = re.split('(' + '|'.join(re.escape(s) for s in SPECIALS) + ')', text)
    for part in parts:
        if not part:
            continue
        if part in special_ids:
            ids.append(special_ids[part])
            continue
        for piece in SPLIT.findall(part):
            w = [BYTE2CHAR[b] for b in piece.encode('utf-8')]
            while len(w) > 1:
                cands = [(ranks.get((w[i], w[i + 1]), 1 << 30), i) for i in range(len(w) - 1)]
                r, i = min(cands)
                if r == 1 << 30:
                    break
                w = w[:i] + [w[i] + w[i + 1]] + w[i + 2:]
            ids.extend(vocab[t] for t in w)
    return ids


# ---------------------------------------------------------------------------------------------
# 2. Model: Llama architecture (RMSNorm, rotary embeddings, grouped-query attention, SwiGLU MLP).
# ---------------------------------------------------------------------------------------------
HIDDEN, LAYERS, HEADS, KV_HEADS, HEAD_DIM, INTER = 64, 2, 4, 2, 16, 128
ROPE_THETA, EPS = 10000.0, 1e-6


class RMSNorm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(var + EPS))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.input_layernorm = RMSNorm(HIDDEN)
        self.q_proj = nn.Linear(HIDDEN, HEADS * HEAD_DIM, bias=False)
        self.k_proj = nn.Linear(HIDDEN, KV_HEADS * HEAD_DIM, bias=False)
        self.v_proj = nn.Linear(HIDDEN, KV_HEADS * HEAD_DIM, bias=False)
        self.o_proj = nn.Linear(HEADS * HEAD_DIM, HIDDEN, bias=False)
        self.post_attention_layernorm = RMSNorm(HIDDEN)
        self.gate_proj = nn.Linear(HIDDEN, INTER, bias=False)
        self.up_proj = nn.Linear(HIDDEN, INTER, bias=False)
        self.down_proj = nn.Linear(INTER, HIDDEN, bias=False)

    def forward(self, x, cos, sin, bias, past_k, past_v):
        h = self.input_layernorm(x)
        b, s = h.shape[0], h.shape[1]
        q = self.q_proj(h).reshape(b, s, HEADS, HEAD_DIM).transpose(1, 2)          # B, H, S, D
        k = self.k_proj(h).reshape(b, s, KV_HEADS, HEAD_DIM).transpose(1, 2)       # B, KV, S, D
        v = self.v_proj(h).reshape(b, s, KV_HEADS, HEAD_DIM).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = torch.cat([past_k, k], dim=2)                                          # B, KV, T, D
        v = torch.cat([past_v, v], dim=2)
        rep = HEADS // KV_HEADS
        kk = torch.stack([k] * rep, dim=2).flatten(1, 2)                           # B, H, T, D
        vv = torch.stack([v] * rep, dim=2).flatten(1, 2)
        att = torch.matmul(q, kk.transpose(-1, -2)) / math.sqrt(HEAD_DIM) + bias   # B, H, S, T
        att = torch.softmax(att, dim=-1)
        o = torch.matmul(att, vv).transpose(1, 2).flatten(2)                       # B, S, H*D
        x = x + self.o_proj(o)
        h = self.post_attention_layernorm(x)
        x = x + self.down_proj(nn.functional.silu(self.gate_proj(h)) * self.up_proj(h))
        return x, k, v


class TinyLlama(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_tokens = nn.Embedding(VOCAB_SIZE, HIDDEN)
        self.layers = nn.ModuleList([Layer() for _ in range(LAYERS)])
        self.norm = RMSNorm(HIDDEN)
        self.lm_head = nn.Linear(HIDDEN, VOCAB_SIZE, bias=False)
        inv = 1.0 / (ROPE_THETA ** (torch.arange(0, HEAD_DIM, 2).float() / HEAD_DIM))
        self.register_buffer('inv_freq', inv, persistent=False)

    def forward(self, input_ids, attention_mask, position_ids, *past):
        x = self.embed_tokens(input_ids)
        freqs = position_ids.unsqueeze(-1).float() * self.inv_freq                 # B, S, D/2
        emb = torch.cat([freqs, freqs], dim=-1).unsqueeze(1)                       # B, 1, S, D
        cos, sin = emb.cos(), emb.sin()
        # Absolute index of every key (0..T-1) and query (past_len..T-1), from tensors only, so the
        # exported graph works for any prompt length and cache length.
        key_idx = torch.cumsum(torch.ones_like(attention_mask), dim=-1) - 1       # B, T
        chunk = torch.cumsum(torch.ones_like(input_ids), dim=-1)                     # B, S: 1..S
        query_idx = key_idx[:, -1:] + 1 - chunk[:, -1:] + chunk - 1                  # B, S: T-S..T-1
        allowed = (key_idx.unsqueeze(1) <= query_idx.unsqueeze(2)) & (attention_mask.unsqueeze(1) > 0)  # B, S, T
        bias = torch.where(allowed, torch.zeros((), dtype=x.dtype), torch.full((), -1e9, dtype=x.dtype)).unsqueeze(1)
        presents = []
        for i, layer in enumerate(self.layers):
            x, k, v = layer(x, cos, sin, bias, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        logits = self.lm_head(self.norm(x))
        return (logits, *presents)


model = TinyLlama()
with torch.no_grad():
    for name, p in model.named_parameters():
        if name.endswith('layernorm.weight') or name == 'norm.weight':
            continue
        nn.init.normal_(p, std=0.08)
model.eval()


def full_logits(ids):
    """Logits of the last position, recomputed without a cache (reference for the exported graph)."""
    t = torch.tensor([ids])
    empty = [torch.zeros(1, KV_HEADS, 0, HEAD_DIM) for _ in range(2 * LAYERS)]
    out = model(t, torch.ones_like(t), torch.arange(len(ids)).unsqueeze(0), *empty)
    return out[0][0, -1]


os.makedirs(os.path.join(OUT, 'onnx'), exist_ok=True)
past_names, present_names, axes = [], [], {
    'input_ids': {0: 'batch_size', 1: 'sequence_length'},
    'attention_mask': {0: 'batch_size', 1: 'total_sequence_length'},
    'position_ids': {0: 'batch_size', 1: 'sequence_length'},
    'logits': {0: 'batch_size', 1: 'sequence_length'},
}
for i in range(LAYERS):
    for kind in ('key', 'value'):
        past_names.append(f'past_key_values.{i}.{kind}')
        present_names.append(f'present.{i}.{kind}')
        axes[past_names[-1]] = {0: 'batch_size', 2: 'past_sequence_length'}
        axes[present_names[-1]] = {0: 'batch_size', 2: 'total_sequence_length'}

dummy_ids = torch.tensor([[5, 6, 7]])
dummy_past = [torch.randn(1, KV_HEADS, 2, HEAD_DIM) for _ in range(2 * LAYERS)]
dummy = (dummy_ids, torch.ones(1, 5, dtype=torch.long), torch.tensor([[2, 3, 4]]), *dummy_past)
onnx_path = os.path.join(OUT, 'onnx', 'model.onnx')
with torch.no_grad():
    torch.onnx.export(
        model, dummy, onnx_path,
        input_names=['input_ids', 'attention_mask', 'position_ids', *past_names],
        output_names=['logits', *present_names],
        dynamic_axes=axes, opset_version=14, do_constant_folding=True,
    )

import onnx  # noqa: E402

onnx.checker.check_model(onnx.load(onnx_path))

# ---------------------------------------------------------------------------------------------
# 3. Config files and a PyTorch reference continuation for the tests.
# ---------------------------------------------------------------------------------------------
config = {
    'architectures': ['LlamaForCausalLM'],
    'model_type': 'llama',
    'vocab_size': VOCAB_SIZE,
    'hidden_size': HIDDEN,
    'intermediate_size': INTER,
    'num_hidden_layers': LAYERS,
    'num_attention_heads': HEADS,
    'num_key_value_heads': KV_HEADS,
    'head_dim': HEAD_DIM,
    'hidden_act': 'silu',
    'max_position_embeddings': 4096,
    'rms_norm_eps': EPS,
    'rope_theta': ROPE_THETA,
    'tie_word_embeddings': False,
    'bos_token_id': None,
    'eos_token_id': EOS,
    'pad_token_id': PAD,
    'torch_dtype': 'float32',
    'use_cache': True,
    'transformers.js_config': {'dtype': 'fp32'},
    '_comment': 'Tiny RANDOM-weight test model made by scripts/models/make_tiny_decoder.py; its output is gibberish.',
}
generation_config = {'eos_token_id': [EOS, PAD], 'pad_token_id': PAD, 'do_sample': False, 'max_new_tokens': 64}


def dump(name, obj):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write('\n')


dump('config.json', config)
dump('generation_config.json', generation_config)
dump('tokenizer.json', tokenizer_json)
dump('tokenizer_config.json', tokenizer_config)

prompt = '<|im_start|>user\nWrite a summary of the feedback.<|im_end|>\n<|im_start|>assistant\n'
ids = encode(prompt)
greedy = []
with torch.no_grad():
    cur = list(ids)
    for _ in range(12):
        nxt = int(torch.argmax(full_logits(cur)))
        greedy.append(nxt)
        cur.append(nxt)
        if nxt in (EOS, PAD):
            break
dump('reference.json', {'prompt': prompt, 'prompt_ids': ids, 'greedy_ids': greedy})
size = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(OUT) for f in fs)
print(f'wrote {OUT}: vocab {VOCAB_SIZE}, {len(merges)} merges, {sum(p.numel() for p in model.parameters())} parameters, {size} bytes')
