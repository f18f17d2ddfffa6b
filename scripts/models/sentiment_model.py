"""Exact BERT (BertForSequenceClassification) computation in plain PyTorch.

Parameter names follow the Hugging Face layout so the config.json we write describes the graph truthfully:
embeddings (word + position + token_type, LayerNorm eps 1e-12, dropout), post-LN encoder layers
(self-attention -> dense -> dropout -> LayerNorm(residual); intermediate dense + exact erf GELU -> output
dense -> dropout -> LayerNorm(residual)), pooler dense + tanh on [CLS], dropout, classifier.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class BertConfigLite:
    def __init__(self, vocab_size, hidden_size=128, num_hidden_layers=2, num_attention_heads=4,
                 intermediate_size=512, max_position_embeddings=256, type_vocab_size=2,
                 hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, layer_norm_eps=1e-12,
                 num_labels=3, initializer_range=0.02):
        self.__dict__.update(locals())
        del self.__dict__['self']


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size, padding_idx=0)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, input_ids, token_type_ids):
        L = input_ids.shape[1]
        pos = torch.arange(L, device=input_ids.device).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.position_embeddings(pos) + self.token_type_embeddings(token_type_ids)
        return self.dropout(self.LayerNorm(x))


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c.hidden_size
        self.nh = c.num_attention_heads
        self.hd = h // self.nh
        self.query = nn.Linear(h, h)
        self.key = nn.Linear(h, h)
        self.value = nn.Linear(h, h)
        self.attn_drop = nn.Dropout(c.attention_probs_dropout_prob)
        self.attn_out = nn.Linear(h, h)
        self.attn_ln = nn.LayerNorm(h, eps=c.layer_norm_eps)
        self.inter = nn.Linear(h, c.intermediate_size)
        self.out = nn.Linear(c.intermediate_size, h)
        self.out_ln = nn.LayerNorm(h, eps=c.layer_norm_eps)
        self.drop = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, x, mask_add):
        B, L, H = x.shape
        q = self.query(x).view(B, L, self.nh, self.hd).transpose(1, 2)
        k = self.key(x).view(B, L, self.nh, self.hd).transpose(1, 2)
        v = self.value(x).view(B, L, self.nh, self.hd).transpose(1, 2)
        s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.hd) + mask_add
        p = self.attn_drop(torch.softmax(s, dim=-1))
        a = torch.matmul(p, v).transpose(1, 2).reshape(B, L, H)
        x = self.attn_ln(self.drop(self.attn_out(a)) + x)
        y = self.out(F.gelu(self.inter(x)))
        return self.out_ln(self.drop(y) + x)


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embeddings = Embeddings(c)
        self.layers = nn.ModuleList([Layer(c) for _ in range(c.num_hidden_layers)])

    def forward(self, input_ids, attention_mask, token_type_ids):
        x = self.embeddings(input_ids, token_type_ids)
        # HF extended attention mask: (1 - mask) * finfo(float32).min
        m = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, m)
        return x


class BertForSequenceClassification(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.bert = BertEncoder(c)
        self.pooler = nn.Linear(c.hidden_size, c.hidden_size)
        self.drop = nn.Dropout(c.hidden_dropout_prob)
        self.classifier = nn.Linear(c.hidden_size, c.num_labels)
        self.apply(self._init)

    def _init(self, m):
        if isinstance(m, nn.Linear):
            m.weight.data.normal_(0.0, self.c.initializer_range)
            m.bias.data.zero_()
        elif isinstance(m, nn.Embedding):
            m.weight.data.normal_(0.0, self.c.initializer_range)
            if m.padding_idx is not None:
                m.weight.data[m.padding_idx].zero_()
        elif isinstance(m, nn.LayerNorm):
            m.weight.data.fill_(1.0)
            m.bias.data.zero_()

    def forward(self, input_ids, attention_mask, token_type_ids):
        h = self.bert(input_ids, attention_mask, token_type_ids)
        pooled = torch.tanh(self.pooler(h[:, 0]))
        return self.classifier(self.drop(pooled))


class MLMHead(nn.Module):
    """BertOnlyMLMHead-style head (dense + GELU + LayerNorm + tied decoder), used only for pretraining."""
    def __init__(self, c, word_emb):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.ln = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.word_emb = word_emb
        self.bias = nn.Parameter(torch.zeros(c.vocab_size))

    def forward(self, h):
        return F.linear(self.ln(F.gelu(self.dense(h))), self.word_emb.weight, self.bias)
