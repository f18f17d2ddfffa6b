"""Loads the public sentiment datasets from ../shared/datasets (or $PF_DATASETS) and defines every split.

Labels: 0 negative, 1 neutral, 2 positive. Each example is (text, label, kind) where kind is
'3' (three-class source, full cross-entropy) or '2' (binary-only source, loss over the
[negative, positive] marginal). Held-out splits are row indices into the original files, fixed seed.
"""
import csv
import os
import random
import re
import sys
import unicodedata

SEED = 20240611
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def datasets_dir():
    d = os.environ.get('PF_DATASETS') or os.path.join(REPO, '..', 'shared', 'datasets')
    d = os.path.abspath(d)
    need = ['sst2', 'sst5', 'mr', 'mpqa', 'subj', 'imdb', 'multi_domain_sentiment_blitzer',
            'semeval2014_absa_train', 'online_shopping_10_cats', 'waimai_10k'] + (['banking77'] if USE_SUPPORT else [])
    missing = [n for n in need if not os.path.isdir(os.path.join(d, n))]
    if missing:
        sys.exit(f'error: datasets folder {d} is missing {", ".join(missing)}.\n'
                 'Put the shared datasets at ../shared/datasets (relative to the repo root) or set PF_DATASETS.')
    return d


def dedup_key(text):
    """Normalized text for the overlap rule: strip accents, lowercase, alphanumerics only."""
    t = unicodedata.normalize('NFD', text.lower())
    return ''.join(ch for ch in t if ch.isalnum())


def _lines(path, enc='utf-8'):
    with open(path, encoding=enc, errors='replace') as f:
        return [l.rstrip('\n') for l in f]


def _labeled(path, enc='utf-8'):
    out = []
    for l in _lines(path, enc):
        if not l.strip():
            continue
        lab, _, text = l.partition(' ')
        out.append((text.strip(), int(lab)))
    return out


def folds(n, k, seed_tag):
    """Fold id per row: a fixed-seed permutation cut into k folds."""
    rng = random.Random(f'{SEED}:{seed_tag}')
    perm = list(range(n))
    rng.shuffle(perm)
    f = [0] * n
    for pos, i in enumerate(perm):
        f[i] = pos % k
    return f


def sst5_to3(y):
    return 0 if y <= 1 else (1 if y == 2 else 2)


# Customer-support queries (banking77) labelled by their intent: intents that report a problem ("my card is not working",
# "the transfer failed", "I was charged twice") are negative, intents that ask how to do something or for information
# ("how do I order a physical card?", "which currencies are supported?") are neutral. Ambiguous intents (fees, pending
# payments, refunds, card arrival, cancelling) are left out. The only complaint-style English text in the shared data:
# without it, plain problem reports ("the app crashes when I open settings") came out positive.
SUPPORT_NEGATIVE = (
    'Refund_not_showing_up balance_not_updated_after_bank_transfer balance_not_updated_after_cheque_or_cash_deposit '
    'beneficiary_not_allowed card_not_working card_payment_not_recognised card_payment_wrong_exchange_rate card_swallowed '
    'cash_withdrawal_not_recognised compromised_card contactless_not_working declined_card_payment declined_cash_withdrawal '
    'declined_transfer direct_debit_payment_not_recognised extra_charge_on_statement failed_transfer lost_or_stolen_card '
    'lost_or_stolen_phone pin_blocked top_up_failed top_up_reverted transaction_charged_twice transfer_not_received_by_recipient '
    'unable_to_verify_identity virtual_card_not_working wrong_amount_of_cash_received wrong_exchange_rate_for_cash_withdrawal').split()
SUPPORT_NEUTRAL = (
    'activate_my_card age_limit apple_pay_or_google_pay atm_support automatic_top_up card_about_to_expire card_acceptance '
    'card_delivery_estimate card_linking change_pin country_support disposable_card_limits edit_personal_details exchange_charge '
    'exchange_rate exchange_via_app fiat_currency_support get_disposable_virtual_card get_physical_card getting_spare_card '
    'getting_virtual_card order_physical_card receiving_money supported_cards_and_currencies top_up_by_bank_transfer_charge '
    'top_up_by_card_charge top_up_by_cash_or_cheque top_up_limits topping_up_by_card transfer_into_account transfer_timing '
    'verify_my_identity verify_source_of_funds verify_top_up visa_or_mastercard why_verify_identity').split()
USE_SUPPORT = os.environ.get('PF_SUPPORT', '1') == '1'


def _support(path):
    lab = {**{k: 0 for k in SUPPORT_NEGATIVE}, **{k: 1 for k in SUPPORT_NEUTRAL}}
    with open(path, encoding='utf-8') as f:
        return [((r['text'] or '').strip(), lab[r['category']]) for r in csv.DictReader(f) if r['category'] in lab]


def load_all():
    D = datasets_dir()
    ev = {}
    # ---- evaluation sets --------------------------------------------------------------
    sst2_dev = _labeled(os.path.join(D, 'sst2', 'stsa.binary.dev'))
    sst5_dev = _labeled(os.path.join(D, 'sst5', 'stsa.fine.dev'))
    sst5_test = _labeled(os.path.join(D, 'sst5', 'stsa.fine.test'))
    ev['sst2_dev'] = [(t, 2 if y == 1 else 0) for t, y in sst2_dev]
    ev['sst5_dev3'] = [(t, sst5_to3(y)) for t, y in sst5_dev]
    ev['sst5_test3'] = [(t, sst5_to3(y)) for t, y in sst5_test]
    # SST-2 test = the SST-5 test sentences that are not neutral (never used for fitting or selection)
    ev['sst2_test'] = [(t, 2 if y >= 3 else 0) for t, y in sst5_test if y != 2]
    mr = _labeled(os.path.join(D, 'mr', 'rt-polarity.all'), 'latin-1')
    mr_f = folds(len(mr), 10, 'mr')
    mpqa = _labeled(os.path.join(D, 'mpqa', 'mpqa.all'), 'latin-1')
    mpqa_f = folds(len(mpqa), 10, 'mpqa')
    ev['mr_fold0'] = [(t, 2 if y == 1 else 0) for (t, y), f in zip(mr, mr_f) if f == 0]
    # PF_MPQA_TEST_FOLD=k (cross-validation only, scripts/models/mpqa_cv.py): fold k is the held-out fold instead of 0
    # (still under the name 'mpqa_fold0'); the shipped build always holds out fold 0.
    mpqa_test_fold = int(os.environ.get('PF_MPQA_TEST_FOLD', '0'))
    if not 0 <= mpqa_test_fold <= 9:
        sys.exit(f'error: PF_MPQA_TEST_FOLD must be 0-9, not {mpqa_test_fold}')
    ev['mpqa_fold0'] = [(t, 2 if y == 1 else 0) for (t, y), f in zip(mpqa, mpqa_f) if f == mpqa_test_fold]
    # Experiments only (PF_MPQA_DEV_FOLD=k, 1-9): MPQA fold k is held out as a dev set ('mpqa_dev') to choose between
    # build variants without looking at fold 0. The shipped build trains on folds 1-9.
    mpqa_dev_fold = int(os.environ.get('PF_MPQA_DEV_FOLD', '0'))
    if mpqa_dev_fold and mpqa_dev_fold == mpqa_test_fold:
        sys.exit('error: PF_MPQA_DEV_FOLD and PF_MPQA_TEST_FOLD name the same fold')
    if mpqa_dev_fold:
        ev['mpqa_dev'] = [(t, 2 if y == 1 else 0) for (t, y), f in zip(mpqa, mpqa_f) if f == mpqa_dev_fold]
    # Chinese: stratified per (dataset, label): 10% held-out test, 5% calibration, rest train.
    zh_rows = []
    with open(os.path.join(D, 'online_shopping_10_cats', 'online_shopping_10_cats.csv'), encoding='utf-8') as f:
        for i, r in enumerate(csv.DictReader(f)):
            zh_rows.append(('shop', i, (r['review'] or '').strip(), int(r['label'])))
    with open(os.path.join(D, 'waimai_10k', 'waimai_10k.csv'), encoding='utf-8') as f:
        for i, r in enumerate(csv.DictReader(f)):
            zh_rows.append(('waimai', i, (r['review'] or '').strip(), int(r['label'])))
    zh_split = {}
    for ds in ('shop', 'waimai'):
        for lab in (0, 1):
            idx = [r[1] for r in zh_rows if r[0] == ds and r[3] == lab]
            rng = random.Random(f'{SEED}:zh:{ds}:{lab}')
            rng.shuffle(idx)
            n_test, n_cal = round(len(idx) * 0.10), round(len(idx) * 0.05)
            for j, i in enumerate(idx):
                zh_split[(ds, i)] = 'test' if j < n_test else ('calib' if j < n_test + n_cal else 'train')
    ev['zh_test'] = [(t, 2 if y == 1 else 0) for ds, i, t, y in zh_rows if zh_split[(ds, i)] == 'test' and t]
    ev['zh_calib'] = [(t, 2 if y == 1 else 0) for ds, i, t, y in zh_rows if zh_split[(ds, i)] == 'calib' and t]

    splits = {
        'seed': SEED,
        'mr': {'file': 'mr/rt-polarity.all', 'encoding': 'latin-1', 'heldout_rows': [i for i, f in enumerate(mr_f) if f == 0]},
        'mpqa': {'file': 'mpqa/mpqa.all', 'encoding': 'latin-1', 'heldout_rows': [i for i, f in enumerate(mpqa_f) if f == mpqa_test_fold]},
        'zh_test': {
            'online_shopping_10_cats/online_shopping_10_cats.csv': sorted(i for (ds, i), s in zh_split.items() if ds == 'shop' and s == 'test'),
            'waimai_10k/waimai_10k.csv': sorted(i for (ds, i), s in zh_split.items() if ds == 'waimai' and s == 'test'),
        },
        'zh_calib': {
            'online_shopping_10_cats/online_shopping_10_cats.csv': sorted(i for (ds, i), s in zh_split.items() if ds == 'shop' and s == 'calib'),
            'waimai_10k/waimai_10k.csv': sorted(i for (ds, i), s in zh_split.items() if ds == 'waimai' and s == 'calib'),
        },
        'note': 'rows are 0-based data-row indices (CSV: after the header; text files: non-empty lines in order). '
                'Empty Chinese reviews are skipped. sst2_dev = stsa.binary.dev; 3-class = stsa.fine.dev/test with 0-1 neg, 2 neutral, 3-4 pos.',
    }

    # ---- training sources ----------------------------------------------------------------
    src = {}
    sst5_train = [(t, sst5_to3(y), '3') for t, y in _labeled(os.path.join(D, 'sst5', 'stsa.fine.train'))]
    sst5_keys = {dedup_key(t) for t, _, _ in sst5_train}
    src['sst5_train'] = sst5_train
    # SST-2 train sentences are (almost all) also SST-5 train sentences: keep only the ones that are not.
    src['sst2_train'] = [(t, 2 if y == 1 else 0, '2') for t, y in _labeled(os.path.join(D, 'sst2', 'stsa.binary.train'))
                         if dedup_key(t) not in sst5_keys]
    src['mr'] = [(t, 2 if y == 1 else 0, '2') for (t, y), f in zip(mr, mr_f) if f != 0]
    # MPQA's phrases are subjective expressions annotated positive or negative (neutral ones are not in the set): 3-class
    # examples like the reviews below, so short polar phrases ("slow", "crashes constantly") are not left to neutral.
    src['mpqa'] = [(t, 2 if y == 1 else 0, '3') for (t, y), f in zip(mpqa, mpqa_f)
                    if f != mpqa_test_fold and (not mpqa_dev_fold or f != mpqa_dev_fold)]
    src['subj_objective'] = [(l.strip(), 1, '3') for l in _lines(os.path.join(D, 'subj', 'subj.objective'), 'latin-1') if l.strip()]
    # SemEval ABSA: sentences whose aspect terms all share one polarity (pos/neg/neutral).
    sem = []
    for fn in ('Laptop_Train_v2.xml', 'Restaurants_Train_v2.xml'):
        x = open(os.path.join(D, 'semeval2014_absa_train', fn), encoding='utf-8').read()
        for m in re.finditer(r'<sentence\b.*?</sentence>', x, re.S):
            blk = m.group(0)
            tm = re.search(r'<text>(.*?)</text>', blk, re.S)
            pols = set(re.findall(r'<aspectTerm [^>]*polarity="(\w+)"', blk))
            if not tm or len(pols) != 1:
                continue
            p = pols.pop()
            if p not in ('positive', 'negative', 'neutral'):
                continue
            t = (tm.group(1).replace('&quot;', '"').replace('&apos;', "'").replace('&lt;', '<')
                 .replace('&gt;', '>').replace('&amp;', '&'))
            sem.append((t, {'negative': 0, 'neutral': 1, 'positive': 2}[p], '3'))
    # Product-domain held-out sets (laptop/restaurant sentences, Amazon reviews): one fold of each is never
    # trained on, so the card can say how the model does on product feedback, not only on movie reviews.
    sem_f = folds(len(sem), 5, 'absa')
    ev['absa_fold0'] = [(t, y) for (t, y, _), f in zip(sem, sem_f) if f == 0]
    src['semeval_absa'] = [r for r, f in zip(sem, sem_f) if f != 0]
    splits['absa'] = {'files': ['semeval2014_absa_train/Laptop_Train_v2.xml', 'semeval2014_absa_train/Restaurants_Train_v2.xml'],
                      'rule': 'sentences (both files in order) whose aspect terms share one polarity among positive/negative/neutral',
                      'heldout_rows': [i for i, f in enumerate(sem_f) if f == 0]}
    # IMDB and the Amazon reviews are polar by construction (IMDB ratings <= 4 or >= 7 of 10, Amazon 1-2 or 4-5 stars; the
    # middle ratings are not in the sets), so they are 3-class examples: "not neutral" is part of their label. Without
    # it a model leaves long polar reviews to the neutral class (18% of the held-out Amazon reviews when they were binary).
    imdb = []
    with open(os.path.join(D, 'imdb', 'train.tsv'), encoding='utf-8') as f:
        next(f)
        for l in f:
            lab, _id, text = l.rstrip('\n').split('\t', 2)
            imdb.append((text.replace('<br />', ' ').replace('<br/>', ' '), 2 if lab == '1' else 0, '3'))
    src['imdb'] = imdb
    bl = []
    for dom in ('books', 'dvd'):
        for fn, lab in (('positive.review', 2), ('negative.review', 0)):
            p = os.path.join(D, 'multi_domain_sentiment_blitzer', dom, fn)
            x = open(p, encoding='utf-8', errors='replace').read()
            for m in re.finditer(r'<title>(.*?)</title>.*?<review_text>(.*?)</review_text>', x, re.S):
                title, body = m.group(1).strip(), ' '.join(m.group(2).split())
                bl.append((f'{title}. {body}' if title else body, lab, '3'))
    bl_f = folds(len(bl), 10, 'blitzer')
    ev['blitzer_fold0'] = [(t, y) for (t, y, _), f in zip(bl, bl_f) if f == 0]
    src['blitzer'] = [r for r, f in zip(bl, bl_f) if f != 0]
    splits['blitzer'] = {'files': 'books then dvd, positive.review then negative.review; "title. text" per <review>',
                         'heldout_rows': [i for i, f in enumerate(bl_f) if f == 0]}
    src['zh_train'] = [(t, 2 if y == 1 else 0, '2') for ds, i, t, y in zh_rows if zh_split[(ds, i)] == 'train' and t]
    if USE_SUPPORT:
        # banking77's own train/test split: test queries are held out (problem report vs question)
        ev['support_test'] = _support(os.path.join(D, 'banking77', 'test.csv'))
        src['support'] = [(t, y, '3') for t, y in _support(os.path.join(D, 'banking77', 'train.csv'))]
        splits['support'] = {'train': 'banking77/train.csv', 'heldout': 'banking77/test.csv',
                             'negative_intents': SUPPORT_NEGATIVE, 'neutral_intents': SUPPORT_NEUTRAL}

    # Every evaluation/calibration text is banned from training (normalized match).
    banned = set()
    for name, rows in ev.items():
        for t, _ in rows:
            banned.add(dedup_key(t))
    banned.discard('')
    # MPQA follows the published 10-fold protocol: its many duplicate short phrases ("not", "concern", ...)
    # stay in its training folds even when they also occur in the held-out fold. Every other evaluation text
    # is still banned from the MPQA rows. metrics.json also scores the held-out phrases never seen in training.
    banned_for_mpqa = set()
    for name, rows in ev.items():
        if name not in ('mpqa_fold0', 'mpqa_dev'):
            banned_for_mpqa.update(dedup_key(t) for t, _ in rows)
    banned_for_mpqa.discard('')

    stats = {}
    for name in list(src):
        before = len(src[name])
        ban = banned_for_mpqa if name == 'mpqa' else banned
        src[name] = [r for r in src[name] if dedup_key(r[0]) not in ban and r[0].strip()]
        stats[name] = {'rows': len(src[name]), 'removed_overlap': before - len(src[name])}
    seen = {dedup_key(t) for t, _, _ in src['mpqa']}
    ev['mpqa_fold0_unseen'] = [(t, y) for t, y in ev['mpqa_fold0'] if dedup_key(t) not in seen]
    stats['mpqa']['heldout_phrases_also_in_training'] = len(ev['mpqa_fold0']) - len(ev['mpqa_fold0_unseen'])
    return src, ev, splits, stats
