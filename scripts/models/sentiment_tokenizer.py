"""BERT-style WordPiece tokenizer built from the training data, written as a Hugging Face tokenizer.json.

The Python encoder below reproduces transformers.js semantics exactly (BertNormalizer with clean_text,
handle_chinese_chars (BMP code units only, as transformers.js iterates UTF-16 code units), lowercase,
strip_accents (NFD, drop Mn); BertPreTokenizer = trim, then runs of non-space non-punctuation or single
punctuation, punctuation being Unicode P* plus the ASCII symbol ranges; greedy longest-match WordPiece
with '##' continuation and [UNK] for a word that cannot be covered or is longer than 100 chars).
"""
import collections
import json
import re
import unicodedata

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
PAD, UNK, CLS, SEP, MASK = range(5)

# JavaScript \s (WhiteSpace + LineTerminator)
JS_SPACE = set('\t\n\x0b\x0c\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff') | {chr(c) for c in range(0x2000, 0x200b)}


def _is_cjk_unit(cp):
    return 19968 <= cp <= 40959 or 13312 <= cp <= 19903 or 63744 <= cp <= 64255


def _is_control(ch):
    if ch in '\t\n\r':
        return False
    return unicodedata.category(ch) in ('Cc', 'Cf', 'Co', 'Cs')


def _is_punct(ch):
    cp = ord(ch)
    if 0x21 <= cp <= 0x2F or 0x3A <= cp <= 0x40 or 0x5B <= cp <= 0x60 or 0x7B <= cp <= 0x7E:
        return True
    return unicodedata.category(ch).startswith('P')


_ASCII_CTRL = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
_ASCII_WORDS = re.compile(r'[a-z0-9]+|[!-/:-@\[-`{-~]')


def pre_tokenize(text):
    """Normalizer + pre-tokenizer: returns the list of words."""
    if text.isascii():
        t = _ASCII_CTRL.sub('', text)
        t = t.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ').lower()
        return _ASCII_WORDS.findall(t)
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if ch in JS_SPACE:
            out.append(' ')
        elif cp < 0x10000 and _is_cjk_unit(cp):
            out.append(' ' + ch + ' ')
        else:
            out.append(ch)
    t = ''.join(out).lower()
    t = ''.join(c for c in unicodedata.normalize('NFD', t) if unicodedata.category(c) != 'Mn')
    words, cur = [], []
    for ch in t.strip(''.join(JS_SPACE)):
        if ch in JS_SPACE:
            if cur:
                words.append(''.join(cur)); cur = []
        elif _is_punct(ch):
            if cur:
                words.append(''.join(cur)); cur = []
            words.append(ch)
        else:
            cur.append(ch)
    if cur:
        words.append(''.join(cur))
    return words


class WordPiece:
    def __init__(self, vocab):
        self.vocab = vocab  # list of tokens
        self.ids = {t: i for i, t in enumerate(vocab)}
        self.cache = {}

    def word_ids(self, w):
        r = self.cache.get(w)
        if r is not None:
            return r
        if len(w) > 100:
            r = [UNK]
        else:
            r, start, n = [], 0, len(w)
            while start < n:
                end, found = n, None
                while start < end:
                    s = w[start:end] if start == 0 else '##' + w[start:end]
                    i = self.ids.get(s)
                    if i is not None:
                        found = i
                        break
                    end -= 1
                if found is None:
                    r = [UNK]
                    break
                r.append(found)
                start = end
        if len(self.cache) < 2_000_000:
            self.cache[w] = r
        return r

    def encode_words(self, words):
        out = []
        for w in words:
            out.extend(self.word_ids(w))
        return out

    def encode(self, text, max_len=256):
        ids = self.encode_words(pre_tokenize(text))[:max_len - 2]
        return [CLS] + ids + [SEP]


def build_vocab(word_counts, size=24000, max_cjk=5500, min_char=3, min_cjk=2):
    """word_counts: Counter of pre-tokenized words (training data only)."""
    char_counts = collections.Counter()
    for w, c in word_counts.items():
        for ch in w:
            char_counts[ch] += c
    cjk = [ch for ch, c in char_counts.most_common() if len(ch) == 1 and ord(ch) < 0x10000 and _is_cjk_unit(ord(ch)) and c >= min_cjk][:max_cjk]
    other = [ch for ch, c in char_counts.most_common() if not (ord(ch) < 0x10000 and _is_cjk_unit(ord(ch))) and c >= min_char]
    vocab = list(SPECIALS)
    seen = set(vocab)

    def add(t):
        if t not in seen:
            seen.add(t); vocab.append(t)
    for ch in other:
        add(ch)
    for ch in other:
        add('##' + ch)
    for ch in cjk:
        add(ch)
    # whole words (non-CJK) by frequency, plus frequent sub-word pieces of the remaining words
    words = [(w, c) for w, c in word_counts.most_common() if len(w) > 1 and not any(_is_cjk_unit(ord(x)) for x in w if ord(x) < 0x10000)]
    budget = size - len(vocab)
    n_pieces = int(budget * 0.15)
    n_words = budget - n_pieces
    kept = [w for w, c in words[:n_words] if c >= 2]
    for w in kept:
        add(w)
    kept_set = set(kept)
    pieces = collections.Counter()
    for w, c in words:
        if w in kept_set or len(w) < 4:
            continue
        for k in range(2, min(7, len(w))):
            pieces[w[:k]] += c
            pieces['##' + w[-k:]] += c
    for p, c in pieces.most_common():
        if len(vocab) >= size:
            break
        add(p)
    return vocab


def tokenizer_json(vocab, max_len=256):
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [
            {'id': i, 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
             'normalized': False, 'special': True} for i, t in enumerate(SPECIALS)],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': True, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                       {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {t: {'id': t, 'ids': [i], 'tokens': [t]} for i, t in
                               ((CLS, '[CLS]'), (SEP, '[SEP]'))},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': {t: i for i, t in enumerate(vocab)}},
    }


def tokenizer_config(max_len=256):
    return {
        'tokenizer_class': 'BertTokenizer', 'do_lower_case': True, 'tokenize_chinese_chars': True,
        'strip_accents': None, 'model_max_length': max_len, 'clean_up_tokenization_spaces': True,
        'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]', 'mask_token': '[MASK]',
        'padding_side': 'right', 'truncation_side': 'right',
        'model_input_names': ['input_ids', 'token_type_ids', 'attention_mask'],
    }


def special_tokens_map():
    return {'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]', 'mask_token': '[MASK]'}
