#!/usr/bin/env python3
"""Trains, calibrates and exports models/product-forge/sentiment-en-zh from the shared datasets.

Run through `npm run models:build` (scripts/models/build.sh) with Debian's python3 (torch 1.13 CPU).
Everything is seeded (SEED in sentiment_data.py). Environment: PF_DATASETS (datasets folder),
PF_EPOCHS (default 3), PF_BUILD_DIR (scratch folder for the parity reference, default /tmp/pf-sentiment-build),
PF_THREADS (torch CPU threads, default 2), PF_DEVICE (torch device for the encoder and the word vectors, default cpu;
the shipped model is built on cpu), PF_WORDVEC_EPOCHS (skip-gram epochs for the embedding initialisation, default 3, 0 = none),
PF_STOP_AFTER_METRICS=1 (experiments: write metrics_experiment.json to PF_BUILD_DIR and stop before the export),
PF_SUPPORT=0 (leave out the banking77 support queries), PF_REPEAT_ABSA / _BLITZER / _MPQA / _SUPPORT (a source's rows
repeated per epoch, default 1), PF_MPQA_DEV_FOLD=k (experiments: MPQA fold k, 1-9, held out as 'mpqa_dev' for choosing
between variants without fold 0), PF_MPQA_TEST_FOLD=k (cross-validation, scripts/models/mpqa_cv.py: MPQA fold k, 0-9, is
the held-out fold; only with PF_STOP_AFTER_METRICS=1).
"""
import collections
import hashlib
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sentiment_data as sd  # noqa: E402
import sentiment_tokenizer as st  # noqa: E402
import word_vectors  # noqa: E402
from sentiment_model import BertConfigLite, BertForSequenceClassification  # noqa: E402

T0 = time.time()
torch.set_num_threads(int(os.environ.get('PF_THREADS', '2')))
SEED = sd.SEED
random.seed(SEED); np.random.seed(SEED % 2**32); torch.manual_seed(SEED)

MODEL_ID = 'product-forge/sentiment-en-zh'
OUT = os.path.join(sd.REPO, 'models', MODEL_ID)
BUILD = os.environ.get('PF_BUILD_DIR', '/tmp/pf-sentiment-build')
EPOCHS = int(os.environ.get('PF_EPOCHS', '3'))
DEV = torch.device(os.environ.get('PF_DEVICE', 'cpu'))
STOP_AFTER_METRICS = os.environ.get('PF_STOP_AFTER_METRICS') == '1'
if os.environ.get('PF_MPQA_TEST_FOLD', '0') != '0' and not STOP_AFTER_METRICS:
    sys.exit('error: PF_MPQA_TEST_FOLD is for cross-validation (scripts/models/mpqa_cv.py) and needs PF_STOP_AFTER_METRICS=1: '
             'the shipped model holds out MPQA fold 0.')
MAXPOS = 256
HP = dict(hidden_size=128, num_hidden_layers=2, num_attention_heads=4, intermediate_size=512,
          vocab_size_target=24000, lr=1e-3, warmup=0.06, weight_decay=0.01, tokens_per_batch=4096,
          max_batch=256, short_len=64, zh_len=96, long_len=256, imdb_per_epoch=6000, imdb_long=600,
          zh_per_epoch=20000, dropout=0.1,
          # skip-gram vectors (trained on the training texts) initialise the word embeddings, scaled to this std
          wordvec_epochs=int(os.environ.get('PF_WORDVEC_EPOCHS', '3')), wordvec_std=float(os.environ.get('PF_WORDVEC_STD', '0.05')),
          # experiment knob: these sources are seen this many times per epoch (1 in the shipped build)
          repeat={'semeval_absa': int(os.environ.get('PF_REPEAT_ABSA', '1')), 'blitzer': int(os.environ.get('PF_REPEAT_BLITZER', '1')),
                  'mpqa': int(os.environ.get('PF_REPEAT_MPQA', '1')), 'support': int(os.environ.get('PF_REPEAT_SUPPORT', '1'))})
LABELS = ['negative', 'neutral', 'positive']


def log(*a):
    print(f'[{time.time() - T0:6.0f}s]', *a, flush=True)


# ---------------------------------------------------------------- data + tokenizer
src, ev, splits, stats = sd.load_all()
log('sources', {k: v['rows'] for k, v in stats.items()})
LONG = {'imdb', 'blitzer'}
words = {name: [st.pre_tokenize(t) for t, _, _ in rows] for name, rows in src.items()}
wc = collections.Counter()
for name, ws in words.items():
    for w in ws:
        wc.update(w)
vocab = st.build_vocab(wc, size=HP['vocab_size_target'])
n_cjk = sum(1 for t in vocab if len(t) == 1 and st._is_cjk_unit(ord(t)))
log(f'vocab {len(vocab)} entries ({n_cjk} CJK characters) from {len(wc)} distinct training words')
wp = st.WordPiece(vocab)
enc = {name: [wp.encode_words(w) for w in ws] for name, ws in words.items()}
del words
unk_rate = sum(x.count(st.UNK) for v in enc.values() for x in v) / max(1, sum(len(x) for v in enc.values() for x in v))
log(f'encoded; training [UNK] rate {unk_rate:.4%}')
WORDVEC = None
if HP['wordvec_epochs'] > 0:
    WORDVEC = word_vectors.train_sgns([x for v in enc.values() for x in v if len(x) > 1], len(vocab), HP['hidden_size'],
                                      HP['wordvec_epochs'], SEED, device=DEV, skip_ids=(st.PAD, st.UNK), log=log)
# An experiment knob (1 in the shipped build): a source's rows repeated in every epoch (Amazon reviews get new windows
# each time); the vocabulary and [UNK] rate above count each row once.
for name, r in HP['repeat'].items():
    src[name], enc[name] = src[name] * r, enc[name] * r


def epoch_examples(ep):
    rng = random.Random(f'{SEED}:epoch:{ep}')
    ex = []  # (ids, label, kind)
    for name, rows in src.items():
        if name == 'imdb':
            order = list(range(len(rows)))
            rng.shuffle(order)
            for j, i in enumerate(order[:HP['imdb_per_epoch']]):
                ids = enc[name][i]
                if j < HP['imdb_long']:
                    ids = ids[:HP['long_len'] - 2]
                else:
                    n = HP['short_len'] - 2
                    ids = ids[:n] if rng.random() < 0.5 else ids[-n:]
                ex.append(([st.CLS] + ids + [st.SEP], rows[i][1], 3 if rows[i][2] == '3' else 2))
        elif name == 'blitzer':
            for i, (t, y, k) in enumerate(rows):
                ids = enc[name][i]
                n = HP['short_len'] - 2
                ids = ids[:n] if rng.random() < 0.5 else ids[-n:]
                ex.append(([st.CLS] + ids + [st.SEP], y, 3 if k == '3' else 2))
        elif name == 'zh_train':
            # a different stratum of the Chinese training rows each epoch (all rows are seen over the epochs)
            order = list(range(len(rows)))
            random.Random(f'{SEED}:zh-order').shuffle(order)
            n = HP['zh_per_epoch']
            start = (ep * n) % len(order)
            pick = (order + order)[start:start + n]
            for i in pick:
                ex.append(([st.CLS] + enc[name][i][:HP['zh_len'] - 2] + [st.SEP], rows[i][1], 2))
        else:
            lim = HP['short_len'] - 2
            for i, (t, y, k) in enumerate(rows):
                ex.append(([st.CLS] + enc[name][i][:lim] + [st.SEP], y, 3 if k == '3' else 2))
    return ex, rng


def batches(ex, rng):
    idx = list(range(len(ex)))
    rng.shuffle(idx)
    out = []
    chunk = 8000
    for s in range(0, len(idx), chunk):
        part = sorted(idx[s:s + chunk], key=lambda i: len(ex[i][0]))
        cur, mx = [], 0
        for i in part:
            L = len(ex[i][0])
            if cur and (max(mx, L) * (len(cur) + 1) > HP['tokens_per_batch'] or len(cur) >= HP['max_batch']):
                out.append(cur); cur, mx = [], 0
            cur.append(i); mx = max(mx, L)
        if cur:
            out.append(cur)
    rng.shuffle(out)
    return out


def collate(seqs):
    L = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), L, dtype=torch.long)
    am = torch.zeros(len(seqs), L, dtype=torch.long)
    for j, s in enumerate(seqs):
        ids[j, :len(s)] = torch.tensor(s)
        am[j, :len(s)] = 1
    return ids, am, torch.zeros_like(ids)


# ---------------------------------------------------------------- model + training
cfg = BertConfigLite(len(vocab), hidden_size=HP['hidden_size'], num_hidden_layers=HP['num_hidden_layers'],
                     num_attention_heads=HP['num_attention_heads'], intermediate_size=HP['intermediate_size'],
                     max_position_embeddings=MAXPOS, hidden_dropout_prob=HP['dropout'],
                     attention_probs_dropout_prob=HP['dropout'], num_labels=3)
model = BertForSequenceClassification(cfg)
if WORDVEC is not None:
    with torch.no_grad():
        wv = torch.from_numpy(WORDVEC)
        seen = wv.abs().sum(1) > 0
        wv = wv * (HP['wordvec_std'] / wv[seen].std())
        model.bert.embeddings.word_embeddings.weight[seen] = wv[seen]
    log(f'word embeddings initialised from skip-gram vectors for {int(seen.sum())} of {len(vocab)} ids')
model.to(DEV)
n_params = sum(p.numel() for p in model.parameters())
log(f'model params {n_params:,}')
decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and 'LayerNorm' not in n and '_ln' not in n]
no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and 'LayerNorm' not in n and '_ln' not in n)]
opt = torch.optim.AdamW([{'params': decay, 'weight_decay': HP['weight_decay']}, {'params': no_decay, 'weight_decay': 0.0}],
                        lr=HP['lr'], betas=(0.9, 0.98), eps=1e-6)
plans = []
for ep in range(EPOCHS):
    ex, rng = epoch_examples(ep)
    plans.append((ex, batches(ex, rng)))
total = sum(len(b) for _, b in plans)
warm = int(total * HP['warmup'])
log(f'{EPOCHS} epochs, {len(plans[0][0])} examples/epoch, {total} steps, '
    f'{sum(len(e[0]) for e in plans[0][0]):,} tokens/epoch')


def lr_at(step):
    if step < warm:
        return HP['lr'] * (step + 1) / warm
    return HP['lr'] * max(0.0, (total - step) / max(1, total - warm))


step = 0
avg_state, n_avg = None, 0
avg_from = total - len(plans[-1][1]) // 2  # average weights over the second half of the last epoch
for ep, (ex, bl) in enumerate(plans):
    model.train()
    run_loss, run_n = 0.0, 0
    for b in bl:
        for g in opt.param_groups:
            g['lr'] = lr_at(step)
        ids, am, tt = (t.to(DEV) for t in collate([ex[i][0] for i in b]))
        y = torch.tensor([ex[i][1] for i in b], device=DEV)
        kind = torch.tensor([ex[i][2] for i in b], device=DEV)
        logits = model(ids, am, tt)
        lp3 = F.log_softmax(logits, -1)
        lp2 = F.log_softmax(logits[:, [0, 2]], -1)
        l3 = -lp3.gather(1, y[:, None]).squeeze(1)
        y2 = (y == 2).long()
        l2 = -lp2.gather(1, y2[:, None]).squeeze(1)
        loss = torch.where(kind == 3, l3, l2).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        run_loss += loss.item(); run_n += 1
        if step >= avg_from and step % 20 == 0:
            sdict = {k: v.detach().clone() for k, v in model.state_dict().items()}
            if avg_state is None:
                avg_state, n_avg = sdict, 1
            else:
                n_avg += 1
                for k in avg_state:
                    avg_state[k] += (sdict[k] - avg_state[k]) / n_avg
        if step % 200 == 0:
            log(f'epoch {ep + 1} step {step}/{total} loss {run_loss / run_n:.4f}')
            run_loss, run_n = 0.0, 0
train_time = time.time() - T0
log('training done')


# ---------------------------------------------------------------- evaluation
@torch.no_grad()
def predict(texts, bs=256):
    model.eval()
    encs = [wp.encode(t, MAXPOS) for t in texts]
    order = sorted(range(len(encs)), key=lambda i: len(encs[i]))
    out = np.zeros((len(texts), 3), dtype=np.float64)
    for s in range(0, len(order), bs):
        part = order[s:s + bs]
        ids, am, tt = (t.to(DEV) for t in collate([encs[i] for i in part]))
        out[part] = model(ids, am, tt).double().cpu().numpy()
    return out  # logits


def softmax(z):
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def ece(conf, correct, bins=15):
    edges = np.linspace(0, 1, bins + 1)
    e = 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        m = (conf > a) & (conf <= b)
        if m.any():
            e += m.mean() * abs(conf[m].mean() - correct[m].mean())
    return float(e)


def binary_metrics(logits, y, T=1.0):
    p = softmax(logits / T)
    pb = p[:, [0, 2]] / p[:, [0, 2]].sum(1, keepdims=True)
    pred = np.where(pb[:, 1] > pb[:, 0], 2, 0)
    y = np.array(y)
    return {'accuracy': float((pred == y).mean()), 'ece': ece(pb.max(1), (pred == y).astype(float)),
            'neutral_argmax_rate': float((p.argmax(1) == 1).mean())}


def three_metrics(logits, y, T=1.0):
    p = softmax(logits / T)
    pred = p.argmax(1)
    y = np.array(y)
    f1s = []
    for c in range(3):
        tp = ((pred == c) & (y == c)).sum(); fp = ((pred == c) & (y != c)).sum(); fn = ((pred != c) & (y == c)).sum()
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return {'macro_f1': float(np.mean(f1s)), 'accuracy': float((pred == y).mean()),
            'f1_per_class': dict(zip(LABELS, map(float, f1s))), 'ece': ece(p.max(1), (pred == y).astype(float))}


def nll_calib(logits_c3, y3, logits_c2, y2, T):
    p3 = softmax(logits_c3 / T)
    n3 = -np.log(p3[np.arange(len(y3)), y3] + 1e-12)
    z2 = logits_c2[:, [0, 2]] / T
    p2 = softmax(z2)
    n2 = -np.log(p2[np.arange(len(y2)), (np.array(y2) == 2).astype(int)] + 1e-12)
    return float(np.concatenate([n3, n2]).mean())


def evaluate_all(state):
    model.load_state_dict(state)
    L = {k: predict([t for t, _ in v]) for k, v in ev.items()}
    Y = {k: [y for _, y in v] for k, v in ev.items()}
    return L, Y


final_state = {k: v.clone() for k, v in model.state_dict().items()}
cands = {'final': final_state}
if avg_state is not None:
    cands['averaged'] = avg_state
results = {}
for name, state in cands.items():
    L, Y = evaluate_all(state)
    # model selection uses only the calibration/dev sets (SST-5 dev 3-class + Chinese calibration split)
    sel = three_metrics(L['sst5_dev3'], Y['sst5_dev3'])['macro_f1'] + binary_metrics(L['zh_calib'], Y['zh_calib'])['accuracy'] \
        + binary_metrics(L['sst5_dev3'][np.array(Y['sst5_dev3']) != 1], np.array(Y['sst5_dev3'])[np.array(Y['sst5_dev3']) != 1])['accuracy']
    results[name] = (sel, L, Y)
    log(f'candidate {name}: selection score {sel:.4f}')
chosen = max(results, key=lambda k: results[k][0])
_, L, Y = results[chosen]
model.load_state_dict(cands[chosen])
log(f'chosen weights: {chosen}')

# ---------------------------------------------------------------- n-gram branch
# A linear model over the mean of hashed WordPiece unigram + bigram features (fastText-style), trained on the same
# sources and losses as the encoder. Its logits are added to the encoder's with a weight fitted below together with the
# calibration, and it is part of the exported graph (the bigram hash is computed from input_ids inside ONNX).
NG = dict(buckets=2 ** 19, hash_mult=1000003, epochs=3, lr=0.05, batch=64)
V = len(vocab)


def ng_feats(ids):
    return ids + [V + (a * NG['hash_mult'] + b) % NG['buckets'] for a, b in zip(ids[:-1], ids[1:])]


ng_train = []
for name, rows in src.items():
    lim = HP['long_len'] if name in LONG else (HP['zh_len'] if name == 'zh_train' else HP['short_len'])
    for i, (t, y, k) in enumerate(rows):
        ng_train.append((ng_feats([st.CLS] + enc[name][i][:lim - 2] + [st.SEP]), y, 3 if k == '3' else 2))
torch.manual_seed(SEED + 7)
ng_table = torch.nn.EmbeddingBag(V + NG['buckets'], 3, mode='mean', sparse=True)
torch.nn.init.zeros_(ng_table.weight)
ng_bias = torch.zeros(3, requires_grad=True)
ng_opt = torch.optim.SparseAdam(list(ng_table.parameters()), lr=NG['lr'])
ng_opt_b = torch.optim.Adam([ng_bias], lr=NG['lr'])


def ng_forward(seqs):
    flat = torch.tensor([i for q in seqs for i in q])
    off = torch.tensor([0] + list(np.cumsum([len(q) for q in seqs])[:-1]))
    return ng_table(flat, off) + ng_bias


for ep in range(NG['epochs']):
    order = list(range(len(ng_train)))
    random.Random(f'{SEED}:ngram:{ep}').shuffle(order)
    tot, nb = 0.0, 0
    for s0 in range(0, len(order), NG['batch']):
        b = [ng_train[i] for i in order[s0:s0 + NG['batch']]]
        z = ng_forward([x[0] for x in b])
        y = torch.tensor([x[1] for x in b]); kind = torch.tensor([x[2] for x in b])
        l3 = F.cross_entropy(z, y, reduction='none')
        l2 = F.cross_entropy(z[:, [0, 2]], (y == 2).long(), reduction='none')
        loss = torch.where(kind == 3, l3, l2).mean()
        ng_opt.zero_grad(); ng_opt_b.zero_grad(); loss.backward(); ng_opt.step(); ng_opt_b.step()
        tot += loss.item(); nb += 1
    log(f'n-gram branch epoch {ep + 1}/{NG["epochs"]} loss {tot / nb:.4f}')


@torch.no_grad()
def ng_predict(texts):
    feats = [ng_feats(wp.encode(t, MAXPOS)) for t in texts]
    return torch.cat([ng_forward(feats[i:i + 512]) for i in range(0, len(feats), 512)]).double().numpy()


NGL = {k: ng_predict([t for t, _ in v]) for k, v in ev.items()}
del ng_train

# calibration on the calibration sets (SST-5 dev 3-class + Chinese calibration split, each set weighted equally):
# the n-gram weight A, a temperature T and a per-class logit offset b ((encoder + A * ngram) / T + b), fitted together
# by NLL and all folded into the exported graph.
def fit_calibration():
    z3 = torch.tensor(L['sst5_dev3']); n3 = torch.tensor(NGL['sst5_dev3']); y3 = torch.tensor(Y['sst5_dev3'])
    z2 = torch.tensor(L['zh_calib']); n2 = torch.tensor(NGL['zh_calib']); y2 = (torch.tensor(Y['zh_calib']) == 2).long()
    a = torch.ones(1, dtype=torch.float64, requires_grad=True)
    logT = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    o = torch.optim.LBFGS([a, logT, b], lr=0.5, max_iter=300, line_search_fn='strong_wolfe')

    def closure():
        o.zero_grad()
        a3 = (z3 + a * n3) / logT.exp() + b
        a2 = ((z2 + a * n2) / logT.exp() + b)[:, [0, 2]]
        loss = F.cross_entropy(a3, y3) + F.cross_entropy(a2, y2)
        loss.backward()
        return loss
    o.step(closure)
    bb = b.detach().numpy()
    return float(a.item()), float(logT.exp().item()), bb - bb.mean()


A, T, BIAS = fit_calibration()
log(f'calibration: n-gram weight {A:.4f}, temperature {T:.4f}, offsets {np.round(BIAS, 4).tolist()}')


# Weight of the two-class view in the refit, chosen on SST-5 dev so that the 3-class and the two-class dev ECE are both
# under 0.05 (at 1.0 the two-class one was 0.051).
CAL_BINARY_WEIGHT = 1.5


def refit_temperature_offsets():
    # With A fixed, the temperature and offsets are refitted with a third view added: the two-class marginal of the
    # SST-5 dev sentences that are not neutral (the confidence of binary decisions, as on SST-2, is then calibrated too).
    s3 = torch.tensor(L['sst5_dev3'] + A * NGL['sst5_dev3']); y3 = torch.tensor(Y['sst5_dev3'])
    pol = y3 != 1
    s2 = torch.tensor(L['zh_calib'] + A * NGL['zh_calib']); y2 = (torch.tensor(Y['zh_calib']) == 2).long()
    logT = torch.tensor([math.log(T)], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(BIAS, dtype=torch.float64, requires_grad=True)
    o = torch.optim.LBFGS([logT, b], lr=0.5, max_iter=300, line_search_fn='strong_wolfe')

    def closure():
        o.zero_grad()
        a3 = s3 / logT.exp() + b
        loss = F.cross_entropy(a3, y3) + CAL_BINARY_WEIGHT * F.cross_entropy(a3[pol][:, [0, 2]], (y3[pol] == 2).long()) \
            + F.cross_entropy((s2 / logT.exp() + b)[:, [0, 2]], y2)
        loss.backward()
        return loss
    o.step(closure)
    bb = b.detach().numpy()
    return float(logT.exp().item()), bb - bb.mean()


T, BIAS = refit_temperature_offsets()
log(f'refitted with the two-class view of SST-5 dev: temperature {T:.4f}, offsets {np.round(BIAS, 4).tolist()}')

# 'after': the shipped model; 'before': the same sum uncalibrated (T = 1, no offsets); 'encoder'/'ngram': each part alone, uncalibrated.
views = {
    'after': lambda k: (L[k] + A * NGL[k]) / T + BIAS,
    'before': lambda k: L[k] + A * NGL[k],
    'encoder': lambda k: L[k],
    'ngram': lambda k: NGL[k],
}
metrics = {tag: {} for tag in views}
for tag, f in views.items():
    for k in ('sst2_dev', 'sst2_test', 'mr_fold0', 'mpqa_fold0', 'mpqa_fold0_unseen', 'blitzer_fold0', 'zh_test', 'zh_calib'):
        metrics[tag][k] = binary_metrics(f(k), Y[k])
    for k in ('sst5_dev3', 'sst5_test3', 'absa_fold0'):
        metrics[tag][k] = three_metrics(f(k), Y[k])
    if 'mpqa_dev' in ev:  # experiments with PF_MPQA_DEV_FOLD
        metrics[tag]['mpqa_dev'] = binary_metrics(f('mpqa_dev'), Y['mpqa_dev'])
    if 'support_test' in ev:  # problem reports (negative) vs questions (neutral); 3-class argmax, positive is an error
        metrics[tag]['support_test'] = three_metrics(f('support_test'), Y['support_test'])
    # the product-domain sentences without the neutral ones, scored like the binary sets
    pol = np.array(Y['absa_fold0']) != 1
    metrics[tag]['absa_fold0_polar'] = binary_metrics(f('absa_fold0')[pol], np.array(Y['absa_fold0'])[pol])
for k, v in metrics['after'].items():
    log(k, json.dumps({a: (round(b, 4) if isinstance(b, float) else b) for a, b in v.items() if a != 'f1_per_class'}))
if STOP_AFTER_METRICS:
    os.makedirs(BUILD, exist_ok=True)
    with open(os.path.join(BUILD, 'metrics_experiment.json'), 'w') as f:
        json.dump({'hyperparameters': HP, 'epochs': EPOCHS, 'device': str(DEV), 'torch': torch.__version__,
                   'mpqa_test_fold': int(os.environ.get('PF_MPQA_TEST_FOLD', '0')),
                   'mpqa_eval_sizes': {k: len(ev[k]) for k in ('mpqa_fold0', 'mpqa_fold0_unseen')},
                   'chosen_weights': chosen, 'ngram_weight': A,
                   'seconds': round(time.time() - T0), 'train_seconds': round(train_time), **metrics}, f, indent=1)
    log('stopped after the metrics (PF_STOP_AFTER_METRICS=1)')
    sys.exit(0)
model.to('cpu')

# fold the calibration into the graph: classifier / T + b, n-gram table * A / T (its bias into the classifier's)
with torch.no_grad():
    model.classifier.weight /= T
    model.classifier.bias.copy_(model.classifier.bias / T + torch.tensor(BIAS, dtype=torch.float32) + ng_bias * (A / T))
model.eval()


class EncoderPlusNgrams(torch.nn.Module):
    """The exported model: encoder logits + mean of the n-gram table rows of the unigrams and hashed bigrams."""

    def __init__(self, encoder, table):
        super().__init__()
        self.encoder = encoder
        self.ngram_table = torch.nn.Parameter(table, requires_grad=False)

    def forward(self, input_ids, attention_mask, token_type_ids):
        z = self.encoder(input_ids, attention_mask, token_type_ids)
        m = attention_mask.to(z.dtype)
        mb = m[:, :-1] * m[:, 1:]
        h = torch.fmod(input_ids[:, :-1] * NG['hash_mult'] + input_ids[:, 1:], NG['buckets']) + V
        s = (F.embedding(input_ids, self.ngram_table) * m.unsqueeze(-1)).sum(1) \
            + (F.embedding(h, self.ngram_table) * mb.unsqueeze(-1)).sum(1)
        return z + s / (m.sum(1) + mb.sum(1)).clamp(min=1).unsqueeze(-1)


export_model = EncoderPlusNgrams(model, ng_table.weight.detach() * (A / T)).eval()
with torch.no_grad():  # the folded graph must reproduce the calibrated sum
    chk = [wp.encode(t, MAXPOS) for t, _ in ev['sst5_dev3'][:64]]
    got = torch.cat([export_model(*collate([c])) for c in chk]).double().numpy()
    want = views['after']('sst5_dev3')[:64]
    assert np.abs(got - want).max() < 1e-3, f'folded graph differs from the calibrated sum by {np.abs(got - want).max()}'

# ---------------------------------------------------------------- export
os.makedirs(os.path.join(OUT, 'onnx'), exist_ok=True)
os.makedirs(BUILD, exist_ok=True)
onnx_path = os.path.join(OUT, 'onnx', 'model.onnx')
dummy = collate([wp.encode('export example sentence'), wp.encode('很好')])
torch.onnx.export(export_model, dummy, onnx_path, input_names=['input_ids', 'attention_mask', 'token_type_ids'],
                  output_names=['logits'], opset_version=14, do_constant_folding=True,
                  dynamic_axes={'input_ids': {0: 'batch_size', 1: 'sequence_length'},
                                'attention_mask': {0: 'batch_size', 1: 'sequence_length'},
                                'token_type_ids': {0: 'batch_size', 1: 'sequence_length'},
                                'logits': {0: 'batch_size'}})
import onnx  # noqa: E402
onnx.checker.check_model(onnx.load(onnx_path))
log('exported', onnx_path, os.path.getsize(onnx_path))

config = {
    'architectures': ['BertForSequenceClassification'], 'model_type': 'bert',
    'vocab_size': len(vocab), 'hidden_size': cfg.hidden_size, 'num_hidden_layers': cfg.num_hidden_layers,
    'num_attention_heads': cfg.num_attention_heads, 'intermediate_size': cfg.intermediate_size,
    'hidden_act': 'gelu', 'hidden_dropout_prob': cfg.hidden_dropout_prob,
    'attention_probs_dropout_prob': cfg.attention_probs_dropout_prob,
    'max_position_embeddings': MAXPOS, 'type_vocab_size': 2, 'initializer_range': 0.02,
    'layer_norm_eps': 1e-12, 'pad_token_id': 0, 'position_embedding_type': 'absolute',
    'classifier_dropout': None, 'problem_type': 'single_label_classification',
    'id2label': {str(i): l for i, l in enumerate(LABELS)}, 'label2id': {l: i for i, l in enumerate(LABELS)},
    'torch_dtype': 'float32', 'transformers_version': '4.40.0',
    'transformers.js_config': {'dtype': 'fp32'},
    'product_forge': {'calibration_temperature_folded': T, 'calibration_offsets_folded': [float(x) for x in BIAS], 'seed': SEED,
                      'ngram_branch': {'buckets': NG['buckets'], 'hash': f"vocab_size + (a * {NG['hash_mult']} + b) mod {NG['buckets']} over consecutive ids", 'weight_folded': A}},
}
with open(os.path.join(OUT, 'config.json'), 'w') as f:
    json.dump(config, f, indent=2, ensure_ascii=False)
with open(os.path.join(OUT, 'tokenizer.json'), 'w') as f:
    json.dump(st.tokenizer_json(vocab, MAXPOS), f, ensure_ascii=False)
with open(os.path.join(OUT, 'tokenizer_config.json'), 'w') as f:
    json.dump(st.tokenizer_config(MAXPOS), f, indent=2)
with open(os.path.join(OUT, 'special_tokens_map.json'), 'w') as f:
    json.dump(st.special_tokens_map(), f, indent=2)
with open(os.path.join(OUT, 'splits.json'), 'w') as f:
    json.dump(splits, f)


def r4(x):
    return round(x, 4)


full_metrics = {
    'model': MODEL_ID, 'seed': SEED, 'epochs': EPOCHS, 'hyperparameters': HP,
    'parameters': n_params, 'vocab_size': len(vocab), 'vocab_cjk_chars': n_cjk, 'train_unk_rate': r4(unk_rate),
    'ngram_branch': {k: v for k, v in NG.items()}, 'ngram_weight': r4(A),
    'training_sources': stats, 'chosen_weights': chosen, 'temperature': r4(T), 'calibration_offsets': [r4(float(x)) for x in BIAS],
    'train_seconds': round(train_time), 'total_seconds': None,
    'binary_decision': 'argmax over the [negative, positive] probabilities (neutral ignored) for binary test sets',
    'ece_bins': 15,
    'heldout': {k: {a: (r4(b) if isinstance(b, float) else b) for a, b in v.items()} for k, v in metrics['after'].items()},
    'heldout_uncalibrated': {k: {a: (r4(b) if isinstance(b, float) else b) for a, b in v.items()} for k, v in metrics['before'].items()},
    'heldout_encoder_only': {k: {a: (r4(b) if isinstance(b, float) else b) for a, b in v.items()} for k, v in metrics['encoder'].items()},
    'heldout_ngram_only': {k: {a: (r4(b) if isinstance(b, float) else b) for a, b in v.items()} for k, v in metrics['ngram'].items()},
    'eval_sizes': {**{k: len(v) for k, v in ev.items()}, 'absa_fold0_polar': sum(1 for _, y in ev['absa_fold0'] if y != 1)},
    'splits_file': 'splits.json',
}

# parity reference for the Node check
ref_texts = ['This product is absolutely wonderful, I love it!', 'The app crashes every time I open it. Terrible.',
             'The meeting is scheduled for Tuesday at 3 pm.', 'not bad at all, actually quite good',
             'Café naïve résumé — ÉCOLE 123 #hashtag @user https://example.com/a?b=c',
             '质量很好，物流也很快，非常满意！', '太差了，用了两天就坏了，再也不买了。', '今天下午三点开会。',
             'Mixed 中英文 text: 这个app还不错 but slow.', 'supercalifragilisticexpialidocious antidisestablishmentarianism',
             '😀 emoji 👍 and tabs\tand\nnewlines']
with torch.no_grad():
    encs = [wp.encode(t, MAXPOS) for t in ref_texts]
    probs = [torch.softmax(export_model(*collate([e])), -1)[0].tolist() for e in encs]
# plus token ids only for a seeded sample of real training texts of every source (tokenizer parity)
prng = random.Random(f'{SEED}:parity')
id_texts = [t for rows in src.values() for t, _, _ in prng.sample(rows, min(60, len(rows)))]
with open(os.path.join(BUILD, 'parity_reference.json'), 'w') as f:
    json.dump({'texts': ref_texts, 'ids': encs, 'probs': probs, 'id_texts': id_texts,
               'id_texts_ids': [wp.encode(t, MAXPOS) for t in id_texts]}, f, ensure_ascii=False)

# model card placeholders filled by write_card.py
full_metrics['total_seconds'] = round(time.time() - T0)
with open(os.path.join(OUT, 'metrics.json'), 'w') as f:
    json.dump(full_metrics, f, indent=2)
log('done; metrics written')
