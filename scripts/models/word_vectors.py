"""Skip-gram word vectors (negative sampling) trained on the WordPiece ids of the training texts.

Used to initialise the encoder's word embeddings before fine-tuning: a from-scratch model then starts from
distributional similarity learned on all the training text (whole IMDB and Amazon reviews, Chinese reviews, every
sentence), which is what pretrained word vectors give the published CNNs on MR/MPQA (Kim 2014: 83.4% -> 89.6% on MPQA).
Nothing external: the vectors are learned here, seeded, from the same rows the classifier trains on.
"""
import math

import numpy as np
import torch


def _pairs(seqs, window, keep_prob, rng):
    """(center, context) id pairs of one epoch: frequent ids subsampled, a random window 1..window per center."""
    toks, sid = [], []
    for j, s in enumerate(seqs):
        toks.append(np.asarray(s, dtype=np.int64))
        sid.append(np.full(len(s), j, dtype=np.int64))
    toks = np.concatenate(toks); sid = np.concatenate(sid)
    keep = rng.random(len(toks)) < keep_prob[toks]
    toks, sid = toks[keep], sid[keep]
    b = rng.integers(1, window + 1, size=len(toks))
    cs, os_ = [], []
    for d in range(1, window + 1):
        same = sid[:-d] == sid[d:]
        fwd = same & (b[:-d] >= d)   # context to the right of the center
        bwd = same & (b[d:] >= d)    # context to the left of the center
        cs += [toks[:-d][fwd], toks[d:][bwd]]
        os_ += [toks[d:][fwd], toks[:-d][bwd]]
    c = np.concatenate(cs); o = np.concatenate(os_)
    perm = rng.permutation(len(c))
    return c[perm], o[perm]


def train_sgns(seqs, vocab_size, dim, epochs, seed, device='cpu', window=5, negatives=5, batch=2048, lr=0.025,
               subsample=1e-4, skip_ids=(), log=print):
    """Returns a float32 [vocab_size, dim] numpy array of input vectors (rows of unseen ids are zero).

    word2vec's skip-gram update (plain SGD on each pair's logistic loss, learning rate decaying linearly), applied to
    a minibatch of pairs at a time with index_add_ (about 3 minutes per epoch of the training text on 2 CPU cores)."""
    counts = np.bincount(np.concatenate([np.asarray(s, dtype=np.int64) for s in seqs]), minlength=vocab_size).astype(np.float64)
    for i in skip_ids:
        counts[i] = 0
    f = counts / counts.sum()
    with np.errstate(divide='ignore', invalid='ignore'):
        keep_prob = np.where(f > 0, np.minimum(1.0, np.sqrt(subsample / f) + subsample / f), 0.0)
    noise = counts ** 0.75
    noise = torch.tensor(noise / noise.sum(), dtype=torch.float64)
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    w_in = (torch.rand(vocab_size, dim, generator=gen) - 0.5) / dim
    w_out = torch.zeros(vocab_size, dim)
    # a table of 10M noise ids drawn once (word2vec's unigram table), indexed with seeded random offsets
    table = torch.multinomial(noise, 10_000_000, replacement=True, generator=gen)
    w_in, w_out, table = w_in.to(device), w_out.to(device), table.to(device)
    for ep in range(epochs):
        c, o = _pairs(seqs, window, keep_prob, rng)
        n = len(c)
        steps = math.ceil(n / batch)
        tot = 0.0
        for s in range(steps):
            a = lr * max(1e-4, 1.0 - (ep * steps + s) / (epochs * steps))
            cb = torch.from_numpy(c[s * batch:(s + 1) * batch]).to(device)
            ob = torch.from_numpy(o[s * batch:(s + 1) * batch]).to(device)
            nb = table[torch.randint(0, len(table), (len(cb), negatives), generator=gen).to(device)]
            vc, vo, vn = w_in[cb], w_out[ob], w_out[nb]
            sp = (vc * vo).sum(-1)
            sn = torch.bmm(vn, vc.unsqueeze(-1)).squeeze(-1)
            gp = torch.sigmoid(sp) - 1.0          # d loss / d score for the true context
            gn = torch.sigmoid(sn)                # ... and for each noise id
            if s % 50 == 0:
                tot += float(-(torch.nn.functional.logsigmoid(sp) + torch.nn.functional.logsigmoid(-sn).sum(-1)).mean())
            g_in = gp.unsqueeze(-1) * vo + (gn.unsqueeze(-1) * vn).sum(1)
            w_out.index_add_(0, ob, gp.unsqueeze(-1) * vc, alpha=-a)
            w_out.index_add_(0, nb.reshape(-1), (gn.unsqueeze(-1) * vc.unsqueeze(1)).reshape(-1, dim), alpha=-a)
            w_in.index_add_(0, cb, g_in, alpha=-a)
        log(f'word vectors epoch {ep + 1}/{epochs}: {n:,} pairs, loss {tot / math.ceil(steps / 50):.4f}')
    out = w_in.cpu().numpy().astype(np.float32)
    out[counts == 0] = 0.0
    return out
