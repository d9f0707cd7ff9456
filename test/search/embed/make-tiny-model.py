#!/usr/bin/env python3
"""Writes a tiny BERT-shaped sentence-embedding model for the ONNX provider's tests.

    python3 make-tiny-model.py OUT_DIR

OUT_DIR gets what @huggingface/transformers loads for a feature-extraction pipeline:
  onnx/model.onnx        input_ids, attention_mask, token_type_ids (int64 [batch, seq])
                         -> last_hidden_state (float [batch, seq, 8])
                         = (E[input_ids] + T[token_type_ids]) * attention_mask
  config.json            a BERT config (hidden_size 8)
  tokenizer.json         WordPiece with BERT normalization and [CLS] ... [SEP]
  tokenizer_config.json
  weights.json           the vocabulary and the matrices E and T, for the test's hand computation

The weights are a fixed formula (no randomness): same files on every run.
"""
import json
import math
import os
import sys

import onnx
from onnx import TensorProto, helper

DIMS = 8
VOCAB = [
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    "the", "a", "of", "hello", "world", "paper", "papers", "graph", "neural", "network",
    "quantum", "field", "theory", "black", "hole", "##s", "##ing", "learn", "model",
]


def main(out: str) -> None:
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    emb = [[round(math.sin(1.3 * i + 0.7 * j) + 0.1 * j, 6) for j in range(DIMS)] for i in range(len(VOCAB))]
    types = [[round(0.05 * (j + 1) * (t + 1), 6) for j in range(DIMS)] for t in range(2)]

    graph = helper.make_graph(
        nodes=[
            helper.make_node("Gather", ["E", "input_ids"], ["word"], axis=0),
            helper.make_node("Gather", ["T", "token_type_ids"], ["type"], axis=0),
            helper.make_node("Add", ["word", "type"], ["hidden"]),
            helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.FLOAT),
            helper.make_node("Unsqueeze", ["mask", "last_axis"], ["mask3"]),
            helper.make_node("Mul", ["hidden", "mask3"], ["last_hidden_state"]),
        ],
        name="tiny-bert",
        inputs=[
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("token_type_ids", TensorProto.INT64, ["batch", "sequence"]),
        ],
        outputs=[helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", DIMS])],
        initializer=[
            helper.make_tensor("E", TensorProto.FLOAT, [len(VOCAB), DIMS], [x for row in emb for x in row]),
            helper.make_tensor("T", TensorProto.FLOAT, [2, DIMS], [x for row in types for x in row]),
            helper.make_tensor("last_axis", TensorProto.INT64, [1], [-1]),
        ],
    )
    model = helper.make_model(graph, producer_name="dailypapers-tests", opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, "onnx", "model.onnx"))

    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": DIMS,
        "num_attention_heads": 1,
        "num_hidden_layers": 1,
        "intermediate_size": DIMS,
        "max_position_embeddings": 64,
        "type_vocab_size": 2,
        "vocab_size": len(VOCAB),
        "pad_token_id": 0,
    }
    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
            for i, t in enumerate(VOCAB[:5])
        ],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [
                {"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 1}}, {"SpecialToken": {"id": "[SEP]", "type_id": 1}},
            ],
            "special_tokens": {
                "[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]},
            },
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {
            "type": "WordPiece",
            "unk_token": "[UNK]",
            "continuing_subword_prefix": "##",
            "max_input_chars_per_word": 100,
            "vocab": {t: i for i, t in enumerate(VOCAB)},
        },
    }
    tokenizer_config = {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "model_max_length": 64,
        "cls_token": "[CLS]",
        "sep_token": "[SEP]",
        "pad_token": "[PAD]",
        "unk_token": "[UNK]",
        "mask_token": "[MASK]",
        "clean_up_tokenization_spaces": True,
    }
    for name, obj in [
        ("config.json", config),
        ("tokenizer.json", tokenizer),
        ("tokenizer_config.json", tokenizer_config),
        ("weights.json", {"vocab": VOCAB, "E": emb, "T": types}),
    ]:
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=1)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make-tiny-model.py OUT_DIR")
    main(sys.argv[1])
