#!/usr/bin/env python3
"""Writes models/product-forge/sentiment-en-zh/README.md (model card, numbers from metrics.json) and
models/manifest.json (sha256 + size of every shipped file except README.md / metrics.json).
Other models already listed in the manifest are kept."""
import hashlib
import json
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL_ID = 'product-forge/sentiment-en-zh'
DIR = os.path.join(REPO, 'models', MODEL_ID)
M = json.load(open(os.path.join(DIR, 'metrics.json')))
C = json.load(open(os.path.join(DIR, 'config.json')))
H = M['heldout']
U = M['heldout_uncalibrated']
E = M.get('heldout_encoder_only', {})
N = M.get('heldout_ngram_only', {})
NG = M.get('ngram_branch', {})
HPW = M['hyperparameters']


def pct(x):
    return f'{100 * x:.1f}%'


def lic(name):
    p = os.path.join(os.environ.get('PF_DATASETS') or os.path.join(REPO, '..', 'shared', 'datasets'), name, 'SOURCE.txt')
    try:
        for line in open(p, encoding='utf-8'):
            if line.lower().startswith('licence'):
                return line.split(':', 1)[1].split(' Encoding:')[0].strip().rstrip('.')
    except OSError:
        pass
    return 'see the dataset SOURCE.txt'


src = M['training_sources']
# MPQA 10-fold cross-validation of this recipe (npm run models:cv), when it has been run: ten models, not the shipped one.
# Shown only for a complete record of this very recipe (same training scripts, no recipe overrides).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mpqa_cv  # noqa: E402
CVP = os.path.join(DIR, 'mpqa_cv.json')
CV = json.load(open(CVP)) if os.path.exists(CVP) else None
cv_stale = None
if CV and not (CV.get('complete') and CV.get('recipe_sha256') == mpqa_cv.recipe_sha256() and not CV.get('recipe_overrides')):
    cv_stale = ('incomplete' if not CV.get('complete') else 'made with recipe overrides' if CV.get('recipe_overrides')
                else 'made with other versions of the training scripts')
    CV = None
cv_row = '' if not CV else (
    f"| MPQA 10-fold cross-validation (the recipe; ten models, see below) | {CV['n']} | accuracy | {pct(CV['pooled_accuracy'])} "
    f"(folds {pct(min(r['accuracy'] for r in CV['per_fold']))} to {pct(max(r['accuracy'] for r in CV['per_fold']))}) | >= 85% | |\n")
if CV:
    fold0 = next((r['accuracy'] for r in CV['per_fold'] if r['fold'] == 0), None)
    gpu = not str(CV['device']).startswith('cpu')
    both_short = CV['pooled_accuracy'] < 0.85 and H['mpqa_fold0']['accuracy'] < 0.85
    verdict = ('Under either protocol the recipe is short of the 85% target.' if both_short
               else 'The pooled figure meets the 85% target.' if CV['pooled_accuracy'] >= 0.85
               else 'The pooled figure is short of the 85% target.')
    cv_section = f"""
**MPQA cross-validation.** The published MPQA protocol is 10-fold cross-validation, so `npm run models:cv` trains this
recipe ten times, each time with one MPQA fold held out (and kept out of the vocabulary, the word vectors and the
training rows; every other source, split and rule unchanged), and scores each model on its fold. Last run:
`{CV['command']}` on {CV.get('hardware') or CV['device']} (torch {CV['per_fold'][0].get('torch', '?')}{
'; GPU arithmetic differs slightly from the CPU build' if gpu else ''}; its fold-0 model scores {pct(fold0) if fold0 is not None else 'n/a'} against the shipped
model's {pct(H['mpqa_fold0']['accuracy'])}), {CV['seconds']} s{' with ' + str(CV.get('jobs')) + ' trainings side by side' if (CV.get('jobs') or 1) > 1 else ''}. Pooled accuracy
{pct(CV['pooled_accuracy'])} ({CV['correct']} of {CV['n']}; fold mean {pct(CV['mean_fold_accuracy'])}, sd {pct(CV['fold_accuracy_sd'])});
phrases never seen in training {pct(CV['unseen_correct'] / CV['unseen_n'])} of {CV['unseen_n']}. {verdict} The same ten runs show how much the recipe varies by itself on the other held-out sets:
SST-2 dev {pct(min(r['sst2_dev'] for r in CV['per_fold']))} to {pct(max(r['sst2_dev'] for r in CV['per_fold']))},
MR fold 0 {pct(min(r['mr_fold0'] for r in CV['per_fold']))} to {pct(max(r['mr_fold0'] for r in CV['per_fold']))},
Chinese held-out {pct(min(r['zh_test'] for r in CV['per_fold']))} to {pct(max(r['zh_test'] for r in CV['per_fold']))}.
Per fold: {', '.join(f"{r['fold']}: {pct(r['accuracy'])}" for r in sorted(CV['per_fold'], key=lambda r: r['fold']))} (`mpqa_cv.json`).
"""
else:
    cv_section = '' if not cv_stale else f"""
**MPQA cross-validation.** `mpqa_cv.json` holds a cross-validation record that is {cv_stale}, so it is not shown here;
run `npm run models:cv` again for this recipe.
"""
SPL = json.load(open(os.path.join(DIR, 'splits.json')))
def rep_note(name):
    r = M['hyperparameters'].get('repeat', {}).get(name, 1)
    return f', seen {r} times per epoch (product-domain text is scarce)' if r > 1 else ''


rows = [
    ('sst5', 'SST-5 train (Socher et al. 2013; Kim 2014 split), 0-1 negative, 2 neutral, 3-4 positive; 3-class loss', 'sst5_train'),
    ('sst2', 'SST-2 train: every sentence also occurs in SST-5 train, so it adds no rows', 'sst2_train'),
    ('mr', 'MR rt-polarity (Pang & Lee 2005), folds 1-9 (fold 0 held out); binary loss', 'mr'),
    ('mpqa', 'MPQA opinion polarity (Wiebe et al. 2005), folds 1-9 (fold 0 held out; duplicate phrases kept as in the published protocol, see below); 3-class loss (expressions annotated positive or negative, never neutral)', 'mpqa'),
    ('subj', 'SUBJ objective sentences (Pang & Lee 2004) as extra neutral; 3-class loss', 'subj_objective'),
    ('semeval2014_absa_train', f'SemEval-2014 ABSA train (laptops + restaurants): sentences whose aspect terms all share one polarity (positive / negative / neutral), folds 1-4 of 5 (fold 0 held out){rep_note("semeval_absa")}; 3-class loss', 'semeval_absa'),
    ('imdb', f'IMDB train (Maas et al. 2011): {M["hyperparameters"]["imdb_per_epoch"]} reviews sampled per epoch, a 62-token head or tail window ({M["hyperparameters"]["imdb_long"]} of them as a 254-token head window); 3-class loss (polar by construction: ratings <= 4 or >= 7 of 10, never neutral)', 'imdb'),
    ('multi_domain_sentiment_blitzer', f'Multi-Domain Sentiment (Blitzer et al. 2007), Amazon books + dvd reviews, title + text, folds 1-9 of 10 (fold 0 held out), 62-token head or tail window{rep_note("blitzer")}; 3-class loss (1-2 or 4-5 stars, never neutral)', 'blitzer'),
    ('online_shopping_10_cats', f'online_shopping_10_cats (SophonPlus ChineseNlpCorpus), 85% train / 5% calibration / 10% held-out, stratified per dataset and label; {M["hyperparameters"].get("zh_per_epoch", "all")} training rows per epoch, rotating through all of them; first {M["hyperparameters"]["zh_len"] - 2} tokens; binary loss', 'zh_train'),
    ('waimai_10k', 'waimai_10k (SophonPlus ChineseNlpCorpus), same stratified split (rows counted together with online_shopping above); binary loss', None),
]
if 'support' in src:
    rows.append(('banking77', f'banking77 customer-support queries (Casanueva et al. 2020), train split, labelled by intent: {len(SPL["support"]["negative_intents"])} problem-report intents '
                 f'("card not working", "failed transfer", "charged twice") negative, {len(SPL["support"]["neutral_intents"])} how-to / information intents neutral, '
                 f'the {77 - len(SPL["support"]["negative_intents"]) - len(SPL["support"]["neutral_intents"])} ambiguous ones (fees, pending payments, refunds, card arrival) left out; lists in splits.json; 3-class loss', 'support'))
ds_table = '\n'.join(
    f'| {d} | {desc} | {src[k]["rows"] if k else "(incl. above)"} | {src[k]["removed_overlap"] if k else "(incl. above)"} | {lic(d)} |'
    for d, desc, k in rows)

ablation = '\n'.join(
    f"| {lbl} | {pct(E[k]['accuracy']) if k in E else 'n/a'} | {pct(N[k]['accuracy']) if k in N else 'n/a'} | {pct(H[k]['accuracy'])} |"
    for k, lbl in (('sst2_dev', 'SST-2 dev'), ('sst2_test', 'SST-2 test'), ('mr_fold0', 'MR fold 0'), ('mpqa_fold0', 'MPQA fold 0'),
                   ('absa_fold0_polar', 'Product sentences fold 0, pos/neg'), ('blitzer_fold0', 'Amazon reviews fold 0'), ('zh_test', 'Chinese held-out'),
                   ('support_test', 'Support queries (banking77 test), 3-class'))
    if k in H)

product_rows = ''
if 'absa_fold0' in H:
    a3, ap = H['absa_fold0'], H['absa_fold0_polar']
    product_rows = (
        f"| Product sentences, SemEval-2014 laptops + restaurants fold 0, positive/negative only | {M['eval_sizes'].get('absa_fold0_polar', '')} | accuracy | {pct(ap['accuracy'])} | reported | |\n"
        f"| Product sentences fold 0, 3-class | {M['eval_sizes']['absa_fold0']} | macro-F1 | {a3['macro_f1']:.3f} (acc {pct(a3['accuracy'])}; neutral F1 {a3['f1_per_class']['neutral']:.3f}) | reported | |\n"
        f"| Amazon reviews (books + dvd) fold 0, first 256 tokens | {M['eval_sizes']['blitzer_fold0']} | accuracy | {pct(H['blitzer_fold0']['accuracy'])} | reported | |\n")

support_row = ''
if 'support_test' in H:
    support_row = (f"| Support queries, banking77 test split, labelled by intent (problem report = negative, question = neutral) | "
                   f"{M['eval_sizes']['support_test']} | 3-class accuracy | {pct(H['support_test']['accuracy'])} | reported | |\n")

card = f"""---
language: [en, zh]
license: other
pipeline_tag: text-classification
library_name: transformers.js
---
# product-forge/sentiment-en-zh

Small English + Chinese sentiment classifier (negative / neutral / positive) that Product Forge ships and runs
locally on onnxruntime-node (loaded through transformers.js; on the CPU its batches run in Product Forge's own
inference threads with a WordPiece tokenizer that reads the same tokenizer.json). **Trained from scratch** by `npm run models:build`
(`scripts/models/build.sh`) on the public datasets listed below: no pretrained weights, no downloaded vocabulary. Its word
embeddings start from skip-gram vectors that the same build learns from the training rows (see Recipe).

## Architecture
Hugging Face `BertForSequenceClassification` (`model_type: "bert"`), implemented in plain PyTorch
(`scripts/models/sentiment_model.py`) and exported with `torch.onnx.export` (opset 14; inputs `input_ids`,
`attention_mask`, `token_type_ids`; output `logits`; dynamic batch and sequence axes):
hidden size {C['hidden_size']}, {C['num_hidden_layers']} post-LN encoder layers, {C['num_attention_heads']} heads,
intermediate {C['intermediate_size']} (exact GELU), max {C['max_position_embeddings']} positions, vocabulary
{C['vocab_size']}, pooler (dense + tanh on [CLS]), classifier to 3 labels. {M['parameters']:,} encoder parameters, fp32.

**N-gram branch.** Beside the encoder, the graph holds a linear n-gram model (fastText-style): a table of
{C['vocab_size']} unigram rows plus {NG.get('buckets', 0):,} hashed-bigram rows (3 logits each). The bigram of consecutive ids
(a, b) uses row vocab_size + (a * {NG.get('hash_mult', 0)} + b) mod {NG.get('buckets', 0)}, computed inside the ONNX graph
(Mul, Add, Mod); the branch's logits are the mean of the rows of the unmasked unigrams and bigrams (with [CLS] and [SEP]).
It is trained after the encoder on the same sources and losses ({NG.get('epochs')} epochs, SparseAdam lr {NG.get('lr')},
batch {NG.get('batch')}), and added to the encoder's logits with weight A = {M.get('ngram_weight')}.

**Calibration.** The weight A, a temperature T = {M['temperature']} and per-class logit offsets
{M.get('calibration_offsets', [0, 0, 0])} are fitted together by NLL, then T and b are refitted with A fixed and a third view
added (below), and all three are folded into the graph (classifier weight and bias
divided by T, offsets added to the bias, n-gram rows multiplied by A / T), so the ONNX logits are already calibrated:
logits = (encoder + A * ngram) / T + b.

## Tokenizer
BERT-style WordPiece built by `scripts/models/sentiment_tokenizer.py` from the training split only: BertNormalizer
(clean text, lowercase, strip accents, every CJK character its own token), BertPreTokenizer, WordPiece with `[UNK]`
and `##` continuation, `[CLS] $A [SEP]` template. Vocabulary: 5 special tokens, every non-CJK character seen at least
3 times (and its `##` form), the {M['vocab_cjk_chars']} CJK characters seen at least twice, the most frequent whole words, then the most frequent
prefixes / `##`suffixes of the remaining words, {M['vocab_size']} entries in all. [UNK] rate on the training text:
{100 * M['train_unk_rate']:.3f}%.

## Training data
| dataset | use | rows after dedup | rows removed by dedup | licence (as stated in its SOURCE.txt) |
|---|---|---|---|---|
{ds_table}

**Overlap rule.** MR and SST come from the same Rotten Tomatoes snippets, so every training source was filtered:
a row is dropped when its normalized text (accents stripped, lowercase, alphanumerics only) equals the normalized text of
any evaluation or calibration row (SST-2 dev, SST-5 dev, SST-5 test, the MR, MPQA, SemEval and Amazon held-out folds,
the Chinese held-out and calibration splits, the banking77 test split). The removed counts are in the table above. One exception, MPQA's own rows: MPQA is
a set of short opinion phrases with many exact duplicates ("not", "concern", "support"), and the published 10-fold
numbers keep those duplicates in the training folds, so Product Forge does too (the model should know these common
phrases). {src['mpqa'].get('heldout_phrases_also_in_training', 'n/a')} of the {M['eval_sizes']['mpqa_fold0']} MPQA
fold-0 phrases also occur in its training folds; the card also reports accuracy on the other phrases alone.

## Recipe
**Word vectors.** Before the classifier is trained, skip-gram vectors with negative sampling (word2vec's update: window 5,
5 noise ids from the unigram^0.75 table, frequent ids subsampled at 1e-4, SGD with learning rate 0.025 decaying linearly,
{HPW.get('wordvec_epochs', 0)} epochs; `scripts/models/word_vectors.py`) are learned from the WordPiece ids of every training row,
whole texts (the full IMDB and Amazon reviews, the Chinese reviews, every sentence; no held-out or calibration row), and,
rescaled to a standard deviation of {HPW.get('wordvec_std', 0)}, initialise the {C['hidden_size']}-wide word embeddings. This is
what pretrained word vectors do for the published CNNs (Kim 2014: MPQA 83.4% from random vectors, 89.6% with
word2vec), with the only text we have.

**Classifier.** Seed {M['seed']}; {M['epochs']} epochs; AdamW (lr {M['hyperparameters']['lr']}, betas 0.9/0.98, weight decay
{M['hyperparameters']['weight_decay']}), {int(100 * M['hyperparameters']['warmup'])}% warmup then linear decay, gradient
clipping 1.0, dropout {M['hyperparameters']['dropout']}, length-bucketed batches of at most
{M['hyperparameters']['tokens_per_batch']} tokens. Three-class sources use full cross-entropy; binary-only sources use
the loss over the two-class marginal (log-softmax over the [negative, positive] logits only), so they do not teach
"never neutral". Weights averaged over the second half of the last epoch were compared with the final weights on the
dev/calibration sets only; chosen: {M['chosen_weights']}. Temperature and per-class offsets fitted by NLL (L-BFGS) on SST-5 dev
(3-class) + the Chinese calibration split (two-class marginal), the two sets weighted equally; then the temperature and
offsets alone refitted with a third view: the two-class marginal of the non-neutral SST-5 dev sentences, weighted 1.5 (chosen
on SST-5 dev so that the 3-class and the two-class dev ECE are both under 0.05), so that the confidence of
positive-vs-negative decisions is calibrated too. Training took {M['train_seconds']} s (whole build {M['total_seconds']} s) on 2 CPU cores.

## Measured results (held-out, calibrated model as shipped)
Binary sets: decision = larger of P(negative), P(positive), the label `product-forge analyze --two-way` gives (three-way, the
default, also calls some of these sentences neutral). ECE: 15 equal-width bins (binary sets: on the renormalized
two-class confidence).

| set | n | metric | result | target | lexicon reference |
|---|---|---|---|---|---|
| SST-2 dev | {M['eval_sizes']['sst2_dev']} | accuracy | {pct(H['sst2_dev']['accuracy'])} | >= 85% | VADER 65.5%, AFINN 64.3% (SST-2 test, shared/datasets/README.md) |
| SST-2 test (SST-5 test without neutral) | {M['eval_sizes'].get('sst2_test', '')} | accuracy | {pct(H['sst2_test']['accuracy']) if 'sst2_test' in H else 'n/a'} | never used for fitting | VADER 65.5%, AFINN 64.3% |
| MR fold 0 | {M['eval_sizes']['mr_fold0']} | accuracy | {pct(H['mr_fold0']['accuracy'])} | >= 78% | |
| MPQA fold 0 (published protocol) | {M['eval_sizes']['mpqa_fold0']} | accuracy | {pct(H['mpqa_fold0']['accuracy'])} | >= 85% | |
{cv_row}| MPQA fold 0, phrases never seen in training | {M['eval_sizes'].get('mpqa_fold0_unseen', '')} | accuracy | {pct(H['mpqa_fold0_unseen']['accuracy']) if 'mpqa_fold0_unseen' in H else 'n/a'} | reported | |
| Chinese held-out (10%) | {M['eval_sizes']['zh_test']} | accuracy | {pct(H['zh_test']['accuracy'])} | >= 90% | |
{product_rows}{support_row}| SST-5 test, 3-class | {M['eval_sizes']['sst5_test3']} | macro-F1 | {H['sst5_test3']['macro_f1']:.3f} (acc {pct(H['sst5_test3']['accuracy'])}; neutral F1 {H['sst5_test3']['f1_per_class']['neutral']:.3f}) | reported | |
| SST-5 dev, 3-class | {M['eval_sizes']['sst5_dev3']} | macro-F1 | {H['sst5_dev3']['macro_f1']:.3f} (used for selection/calibration) | reported | |

What each part contributes (held-out accuracy, uncalibrated parts alone vs the shipped sum):

| set | encoder alone | n-gram branch alone | shipped (sum, calibrated) |
|---|---|---|---|
{ablation}

| set | ECE before calibration | ECE after (shipped) |
|---|---|---|
| SST-2 dev | {U['sst2_dev']['ece']:.4f} | {H['sst2_dev']['ece']:.4f} |
| SST-5 test, 3-class | {U['sst5_test3']['ece']:.4f} | {H['sst5_test3']['ece']:.4f} |
| Chinese held-out | {U['zh_test']['ece']:.4f} | {H['zh_test']['ece']:.4f} |
| MR fold 0 | {U['mr_fold0']['ece']:.4f} | {H['mr_fold0']['ece']:.4f} |

Note: SST-2 dev sentences are the non-neutral SST-5 dev sentences, which are part of the set that selects the weights
and fits the calibration (and the n-gram weight), so SST-2 dev is a dev figure; SST-2 test (the non-neutral SST-5 test
sentences), SST-5 test, MR, MPQA, the product-domain folds (SemEval, Amazon), the banking77 test split and the Chinese
held-out split were never used for fitting or weight selection (the recipe choices below say where they were in view). MPQA follows the
published protocol (duplicate phrases stay in training; the unseen-phrase row is the stricter figure). Held-out split row indices and the
seed are in `splits.json`; `npm run bench:quality` recomputes this table through transformers.js.
{cv_section}
**Word-vector experiment.** Variants of this recipe were run on a lent NVIDIA H200 (`PF_DEVICE=cuda
PF_STOP_AFTER_METRICS=1`, metrics only; GPU arithmetic differs slightly from the CPU build, and two GPU runs of the same
variant differed by up to 0.8 point on a set), all without the support queries described next. Calibrated sum,
held-out accuracy (SST-5 dev 3-class macro-F1 last):

| variant | SST-2 dev | SST-2 test | MR | MPQA | MPQA unseen | product pos/neg | Amazon | SST-5 dev F1 |
|---|---|---|---|---|---|---|---|---|
| no word vectors (the previous recipe) | 85.2 | 85.4 | 79.6 | 83.7 | 79.6 | 84.6 | 90.2 | 0.561 |
| skip-gram 1 epoch | 84.6 | 85.2 | 79.5 | 84.4 | 80.7 | 83.1 | 90.2 | 0.562 |
| skip-gram 3 epochs (chosen), two runs | 86.1 / 86.2 | 85.6 / 85.6 | 79.6 / 79.5 | 85.2 / 85.2 | 81.6 / 81.6 | 84.3 / 85.0 | 89.8 / 89.2 | 0.582 / 0.585 |
| skip-gram 5 epochs | 86.1 | 85.6 | 80.2 | 85.3 | 81.7 | 84.8 | 90.2 | 0.579 |
| skip-gram 3 epochs, classifier 4 epochs | 85.8 | 85.2 | 79.5 | 84.5 | 80.9 | 84.3 | 90.5 | 0.589 |
| skip-gram 3 epochs, MPQA rows twice per epoch | 85.1 | 85.3 | 79.8 | 85.4 | 82.0 | 83.1 | 90.0 | 0.566 |

The encoder alone gained most (SST-2 dev 80.8% -> 83.9%). Three epochs were chosen over five for build time (each epoch
is about 3 minutes on 2 CPU cores); the dev figures (SST-2 dev, SST-5 dev) favour word vectors on their own, but the
table above was read with the held-out MR and MPQA folds in view, so for this choice they are not untouched tests.

**Support queries.** Until this version no English training text was a customer reporting a problem, and plain problem
reports came out positive with high confidence ("The app crashes when I open settings": positive 0.85, the words "I"
and "when" pulling it up, as they do in enthusiastic movie reviews). The banking77 support queries, labelled by intent
(problem report negative, question neutral), were added. Same recipe with and without them, CPU builds: SST-2 dev
86.2% -> 85.7%, SST-2 test 85.6% -> 85.3%, MR 79.6% -> 79.9%, MPQA 85.1% -> 84.7% (under the 85% target by 3 phrases),
Amazon 90.2% -> 89.2%, product sentences 3-class macro-F1 0.556 -> 0.589 (positive/negative 83.9% -> 84.8%), SST-5
test macro-F1 0.576 -> 0.582. On the repository's sample app reviews, the label agrees with the star rating for 64 of 108
(56.5% before); 3 of the 30 sample support tickets are called positive (7 before). The problem report above now comes
out negative (0.75). The trade (product feedback over the MPQA phrase set) was taken on purpose: product feedback is what
the model is for.

**MPQA dev-fold experiment.** To try to win MPQA back without choosing on fold 0, two CPU builds held out MPQA fold 1
as a dev set (`PF_MPQA_DEV_FOLD=1 PF_STOP_AFTER_METRICS=1`): this recipe, and this recipe with the MPQA rows twice per
epoch. Twice: MPQA dev 82.9% -> 83.9%, but SST-2 dev 87.3% -> 85.8%, SST-5 dev 3-class macro-F1 0.574 -> 0.565 and
product sentences 3-class macro-F1 0.580 -> 0.569 (positive/negative 85.0% -> 83.3%). Not adopted: it trades general and
product sentiment for the phrase set. (The two builds also show the spread of these figures: leaving one tenth of MPQA
out moved SST-2 dev from 85.7% to 87.3%.)

**Product-domain text.** The SemEval sentences are the only English product-feedback sentences in the shared data.
In runs of an earlier recipe (IMDB and Amazon reviews with the binary loss), showing them 2-4 times per epoch
(`PF_REPEAT_ABSA=2..4 PF_THREADS=1 npm run models:build`) raised the held-out product fold to
84.6-85.4% (positive/negative; one variant also showed the Amazon reviews twice) but lowered SST-2 dev to 84.4-84.8%,
under the 85% target, so the shipped build
sees each source once (that comparison looked at the product fold, so for those variants it is not an untouched test).

## Intended use and limitations
Intended for coarse sentiment of short product feedback, reviews and comments in English or Chinese inside Product
Forge, where the data stay on the user's machine. Limitations: a small model trained from scratch (no pretraining beyond its own
skip-gram vectors) is far below pretrained models (about 91% on SST-2 for distilbert-base-uncased-finetuned-sst-2); the training text is mostly
movie reviews (English) and e-commerce / food-delivery reviews (Chinese), so other domains will be weaker: the held-out
product sentences (laptops, restaurants) score a few points below the movie sets, and software feedback is still weak:
the only complaint-style English training text is banking support queries, so a problem report worded unlike them can
still come out positive ("Support never answered my ticket": positive 0.71; "Pricing page is confusing": 0.50 positive); on long reviews the stated confidence runs below the accuracy (ECE
{H['blitzer_fold0']['ece'] if 'blitzer_fold0' in H else float('nan'):.3f} on the Amazon fold, calibrated on sentences), so long reviews are flagged low-confidence more often
than they are wrong; Chinese has no
neutral training data, so neutral is rarely predicted for Chinese text; sarcasm, negation scope and mixed sentiment are
frequent errors; the datasets' licences are mostly unstated research terms (see the table), so check them before any use
beyond this extension. Inputs longer than {C['max_position_embeddings']} tokens must be truncated or windowed by the caller.
"""
open(os.path.join(DIR, 'README.md'), 'w').write(card)

files = []
for root, _, names in os.walk(DIR):
    for n in sorted(names):
        p = os.path.join(root, n)
        rel = os.path.relpath(p, DIR).replace(os.sep, '/')
        if rel in ('README.md', 'metrics.json', 'mpqa_cv.json'):  # the card and its figures, not runtime files
            continue
        h = hashlib.sha256(open(p, 'rb').read()).hexdigest()
        files.append({'path': rel, 'sha256': h, 'size': os.path.getsize(p)})
files.sort(key=lambda f: f['path'])
entry = {
    'id': MODEL_ID, 'task': 'text-classification', 'labels': ['negative', 'neutral', 'positive'], 'languages': ['en', 'zh'],
    'description': f'Small BERT ({C["num_hidden_layers"]} layers, hidden {C["hidden_size"]}) plus an n-gram branch, trained from scratch on public English and Chinese sentiment data; '
                   f'SST-2 dev {pct(H["sst2_dev"]["accuracy"])}, Chinese held-out {pct(H["zh_test"]["accuracy"])}; calibrated logits.',
    'license': 'MIT (weights and code of this project); training data under their own research terms, mostly unstated - see README.md',
    'dtype': 'fp32', 'maxLength': C['max_position_embeddings'], 'files': files, 'url': None,
}
mpath = os.path.join(REPO, 'models', 'manifest.json')
man = {'version': 1, 'models': []}
if os.path.exists(mpath):
    try:
        man = json.load(open(mpath))
    except ValueError:
        pass
man['version'] = 1
man['models'] = [m for m in man.get('models', []) if m.get('id') != MODEL_ID] + [entry]
with open(mpath, 'w') as f:
    json.dump(man, f, indent=2)
    f.write('\n')
total = sum(f['size'] for f in files) + sum(os.path.getsize(os.path.join(DIR, n)) for n in ('README.md', 'metrics.json'))
print(f'manifest written: {len(files)} files, shipped folder {total / 1e6:.2f} MB')
