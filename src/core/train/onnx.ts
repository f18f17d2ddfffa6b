// A minimal protobuf writer and the ONNX ModelProto for our networks:
//   input "features" float[N, D] -> Gemm (-> Relu -> Gemm ...) -> Softmax -> "probabilities" float[N, K]
//                                                                       \-> ArgMax -> "label" int64[N]
// Field numbers follow onnx/onnx.proto (IR version 8, default opset 13).
// Random forests (kind 'rf') and gradient-boosted trees ('gb') become one ai.onnx.ml TreeEnsembleClassifier node
// with the same input and outputs.
import type { Forest } from './forest';
import type { Network } from './model';

/** Appends protobuf wire-format fields to a growing byte buffer. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  /** Unsigned varint of a non-negative integer (safe up to 2^53); negatives as 10-byte two's complement. */
  varint(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v < 0x80000000 && Number.isInteger(v)) {
      while (v >= 0x80) {
        this.byte((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      this.byte(v);
      return;
    }
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }
  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }
  int(field: number, v: number): void {
    this.tag(field, 0);
    this.varint(v);
  }
  bytes(field: number, b: Uint8Array): void {
    this.tag(field, 2);
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s));
  }
  message(field: number, fill: (w: ProtoWriter) => void): void {
    const w = new ProtoWriter();
    fill(w);
    this.bytes(field, w.finish());
  }
  float(field: number, v: number): void {
    this.tag(field, 5);
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, v, true);
    this.len += 4;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

// onnx.proto field numbers.
const Model = { irVersion: 1, producerName: 2, producerVersion: 3, domain: 4, modelVersion: 5, docString: 6, graph: 7, opsetImport: 8, metadataProps: 14 };
const Opset = { domain: 1, version: 2 };
const Graph = { node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12 };
const Node = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 };
const Attr = { name: 1, f: 2, i: 3, s: 4, floats: 7, ints: 8, strings: 9, type: 20 };
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 };
const Tensor = { dims: 1, dataType: 2, name: 8, rawData: 9 };
const DataType = { FLOAT: 1, INT64: 7 };
const ValueInfo = { name: 1, type: 2 };
const TypeProto = { tensorType: 1 };
const TensorType = { elemType: 1, shape: 2 };
const Shape = { dim: 1 };
const Dim = { value: 1, param: 2 };
const StringEntry = { key: 1, value: 2 };

type Attribute = { name: string; int?: number; float?: number };

function node(g: ProtoWriter, op: string, name: string, inputs: string[], outputs: string[], attrs: Attribute[] = []): void {
  g.message(Graph.node, (n) => {
    for (const i of inputs) n.string(Node.input, i);
    for (const o of outputs) n.string(Node.output, o);
    n.string(Node.name, name);
    n.string(Node.opType, op);
    for (const a of attrs) {
      n.message(Node.attribute, (w) => {
        w.string(Attr.name, a.name);
        if (a.float !== undefined) { w.float(Attr.f, a.float); w.int(Attr.type, AttrType.FLOAT); }
        else { w.int(Attr.i, a.int ?? 0); w.int(Attr.type, AttrType.INT); }
      });
    }
  });
}

function floatTensor(g: ProtoWriter, name: string, dims: number[], data: ArrayLike<number>): void {
  g.message(Graph.initializer, (t) => {
    for (const d of dims) t.int(Tensor.dims, d);
    t.int(Tensor.dataType, DataType.FLOAT);
    t.string(Tensor.name, name);
    // raw_data is little-endian; copy so the bytes are exactly the tensor.
    const le = new Uint8Array(data.length * 4);
    const dv = new DataView(le.buffer);
    for (let i = 0; i < data.length; i++) dv.setFloat32(i * 4, data[i], true);
    t.bytes(Tensor.rawData, le);
  });
}

function valueInfo(g: ProtoWriter, field: number, name: string, elemType: number, dims: (number | string)[]): void {
  g.message(field, (v) => {
    v.string(ValueInfo.name, name);
    v.message(ValueInfo.type, (tp) =>
      tp.message(TypeProto.tensorType, (tt) => {
        tt.int(TensorType.elemType, elemType);
        tt.message(TensorType.shape, (s) => {
          for (const d of dims) s.message(Shape.dim, (dm) => (typeof d === 'number' ? dm.int(Dim.value, d) : dm.string(Dim.param, d)));
        });
      }),
    );
  });
}

export const ONNX_INPUT = 'features';
export const ONNX_PROBABILITIES = 'probabilities';
export const ONNX_LABEL = 'label';

/** Serialises a network as an ONNX model (bytes of a ModelProto). */
export function networkToOnnx(net: Network, meta: Record<string, string> = {}, opset = 13): Uint8Array {
  if ('forest' in net) return forestToOnnx(net.forest, meta, opset);
  const D = net.layers[0].inDim;
  const K = net.layers[net.layers.length - 1].outDim;
  const m = new ProtoWriter();
  m.int(Model.irVersion, 8);
  m.message(Model.opsetImport, (o) => {
    o.string(Opset.domain, '');
    o.int(Opset.version, opset);
  });
  m.string(Model.producerName, 'product-forge');
  m.string(Model.producerVersion, '1');
  m.string(Model.domain, 'product-forge.classifier');
  m.int(Model.modelVersion, 1);
  m.string(Model.docString, `${net.kind === 'logreg' ? 'Logistic regression' : 'MLP'} classifier: preprocessed feature vector -> class probabilities`);
  m.message(Model.graph, (g) => {
    let cur = ONNX_INPUT;
    net.layers.forEach((L, i) => {
      const out = i === net.layers.length - 1 ? 'logits' : `hidden${i}`;
      node(g, 'Gemm', `gemm${i}`, [cur, `W${i}`, `b${i}`], [out], [{ name: 'alpha', float: 1 }, { name: 'beta', float: 1 }, { name: 'transA', int: 0 }, { name: 'transB', int: 0 }]);
      cur = out;
      if (i < net.layers.length - 1) {
        node(g, 'Relu', `relu${i}`, [cur], [`${cur}_relu`]);
        cur = `${cur}_relu`;
      }
    });
    node(g, 'Softmax', 'softmax', [cur], [ONNX_PROBABILITIES], [{ name: 'axis', int: -1 }]);
    node(g, 'ArgMax', 'argmax', [ONNX_PROBABILITIES], [ONNX_LABEL], [{ name: 'axis', int: 1 }, { name: 'keepdims', int: 0 }]);
    g.string(Graph.name, 'product_forge_classifier');
    net.layers.forEach((L, i) => {
      floatTensor(g, `W${i}`, [L.inDim, L.outDim], L.W);
      floatTensor(g, `b${i}`, [L.outDim], L.b);
    });
    ioValueInfo(g, D, K);
  });
  return withMetadata(m, meta);
}

/** Opset of the ai.onnx.ml domain used for TreeEnsembleClassifier. */
export const ONNX_ML_OPSET = 3;

type ListAttribute = { name: string; ints?: ArrayLike<number>; floats?: ArrayLike<number>; strings?: string[]; s?: string };

function listAttr(n: ProtoWriter, a: ListAttribute): void {
  n.message(Node.attribute, (w) => {
    w.string(Attr.name, a.name);
    if (a.ints) {
      // Packed repeated int64 (parsers accept packed and unpacked alike).
      const ints = a.ints;
      w.message(Attr.ints, (p) => { for (let i = 0; i < ints.length; i++) p.varint(ints[i]); });
      w.int(Attr.type, AttrType.INTS);
    } else if (a.floats) {
      const le = new Uint8Array(a.floats.length * 4);
      const dv = new DataView(le.buffer);
      for (let i = 0; i < a.floats.length; i++) dv.setFloat32(i * 4, a.floats[i], true);
      w.bytes(Attr.floats, le);
      w.int(Attr.type, AttrType.FLOATS);
    } else if (a.strings) {
      for (const x of a.strings) w.string(Attr.strings, x);
      w.int(Attr.type, AttrType.STRINGS);
    } else {
      w.string(Attr.s, a.s ?? '');
      w.int(Attr.type, AttrType.STRING);
    }
  });
}

/**
 * Serialises a random forest as one ai.onnx.ml TreeEnsembleClassifier: "features" float[N, D] ->
 * "label" int64[N] and "probabilities" float[N, K]. Leaf weights are the leaf class fractions divided
 * by the number of trees, so the summed scores (post_transform NONE) are the averaged probabilities; "label" is
 * ArgMax over them (the node's own label output is left unused: see below).
 * Boosted trees (forest.boost) become a TreeEnsembleRegressor with one target per class (leaf scores as
 * they are, summed from base_values) followed by Softmax and ArgMax: TreeEnsembleClassifier's two-class
 * path in onnxruntime rewrites the scores (class 1 := base + class 0's sum), which would flip them.
 */
export function forestToOnnx(forest: Forest, meta: Record<string, string> = {}, opset = 13): Uint8Array {
  const K = forest.nClasses, T = forest.trees.length;
  const boost = forest.boost;
  let total = 0;
  for (const t of forest.trees) total += t.feature.length;
  const treeIds = new Int32Array(total), nodeIds = new Int32Array(total), featureIds = new Int32Array(total);
  const values = new Float32Array(total), trueIds = new Int32Array(total), falseIds = new Int32Array(total);
  const modes: string[] = new Array(total);
  const cTree: number[] = [], cNode: number[] = [], cId: number[] = [], cW: number[] = [];
  let p = 0;
  forest.trees.forEach((t, ti) => {
    for (let i = 0; i < t.feature.length; i++, p++) {
      treeIds[p] = ti;
      nodeIds[p] = i;
      if (t.feature[i] >= 0) {
        featureIds[p] = t.feature[i];
        values[p] = t.threshold[i];
        trueIds[p] = t.left[i];
        falseIds[p] = t.right[i];
        modes[p] = 'BRANCH_LEQ';
      } else {
        modes[p] = 'LEAF';
        for (let k = 0; k < K; k++) {
          const v = t.value[i * K + k];
          // Binary forests list both classes at every leaf (onnxruntime treats a single listed class as
          // "the positive class"); multiclass forests and boosted trees list only the non-zero weights.
          if (v === 0 && (K > 2 || boost)) continue;
          cTree.push(ti);
          cNode.push(i);
          cId.push(k);
          cW.push(boost ? v : v / T);
        }
      }
    }
  });
  // The tree structure, shared by the classifier (forest) and the regressor (boosted trees) nodes.
  const treeNodes = (n: ProtoWriter) => {
    listAttr(n, { name: 'nodes_treeids', ints: treeIds });
    listAttr(n, { name: 'nodes_nodeids', ints: nodeIds });
    listAttr(n, { name: 'nodes_featureids', ints: featureIds });
    listAttr(n, { name: 'nodes_modes', strings: modes });
    listAttr(n, { name: 'nodes_values', floats: values });
    listAttr(n, { name: 'nodes_truenodeids', ints: trueIds });
    listAttr(n, { name: 'nodes_falsenodeids', ints: falseIds });
  };
  const m = new ProtoWriter();
  m.int(Model.irVersion, 8);
  m.message(Model.opsetImport, (o) => {
    o.string(Opset.domain, '');
    o.int(Opset.version, opset);
  });
  m.message(Model.opsetImport, (o) => {
    o.string(Opset.domain, 'ai.onnx.ml');
    o.int(Opset.version, ONNX_ML_OPSET);
  });
  m.string(Model.producerName, 'product-forge');
  m.string(Model.producerVersion, '1');
  m.string(Model.domain, 'product-forge.classifier');
  m.int(Model.modelVersion, 1);
  m.string(Model.docString, boost
    ? `Gradient-boosted trees classifier (${T} trees): preprocessed feature vector -> class probabilities`
    : `Random forest classifier (${T} trees): preprocessed feature vector -> class probabilities`);
  m.message(Model.graph, (g) => {
    if (boost) {
      g.message(Graph.node, (n) => {
        n.string(Node.input, ONNX_INPUT);
        n.string(Node.output, 'scores');
        n.string(Node.name, 'boosted_trees');
        n.string(Node.opType, 'TreeEnsembleRegressor');
        n.string(Node.domain, 'ai.onnx.ml');
        n.message(Node.attribute, (w) => {
          w.string(Attr.name, 'n_targets');
          w.int(Attr.i, K);
          w.int(Attr.type, AttrType.INT);
        });
        treeNodes(n);
        listAttr(n, { name: 'target_treeids', ints: cTree });
        listAttr(n, { name: 'target_nodeids', ints: cNode });
        listAttr(n, { name: 'target_ids', ints: cId });
        listAttr(n, { name: 'target_weights', floats: cW });
        listAttr(n, { name: 'base_values', floats: boost.base });
        listAttr(n, { name: 'aggregate_function', s: 'SUM' });
        listAttr(n, { name: 'post_transform', s: 'NONE' });
      });
      node(g, 'Softmax', 'softmax', ['scores'], [ONNX_PROBABILITIES], [{ name: 'axis', int: -1 }]);
      node(g, 'ArgMax', 'argmax', [ONNX_PROBABILITIES], [ONNX_LABEL], [{ name: 'axis', int: 1 }, { name: 'keepdims', int: 0 }]);
    } else {
      g.message(Graph.node, (n) => {
        n.string(Node.input, ONNX_INPUT);
        // The node's own label output is not the model's "label": onnxruntime's two-class path decides it by its own
        // threshold rule, not by the larger probability (it said class 1 for nearly every titanic row). "label" is
        // ArgMax over the probabilities, as for every other model kind.
        n.string(Node.output, 'forest_label');
        n.string(Node.output, ONNX_PROBABILITIES);
        n.string(Node.name, 'forest');
        n.string(Node.opType, 'TreeEnsembleClassifier');
        n.string(Node.domain, 'ai.onnx.ml');
        listAttr(n, { name: 'classlabels_int64s', ints: Array.from({ length: K }, (_, k) => k) });
        treeNodes(n);
        listAttr(n, { name: 'class_treeids', ints: cTree });
        listAttr(n, { name: 'class_nodeids', ints: cNode });
        listAttr(n, { name: 'class_ids', ints: cId });
        listAttr(n, { name: 'class_weights', floats: cW });
        listAttr(n, { name: 'post_transform', s: 'NONE' });
      });
      node(g, 'ArgMax', 'argmax', [ONNX_PROBABILITIES], [ONNX_LABEL], [{ name: 'axis', int: 1 }, { name: 'keepdims', int: 0 }]);
    }
    g.string(Graph.name, 'product_forge_classifier');
    ioValueInfo(g, forest.nFeatures, K);
  });
  return withMetadata(m, meta);
}

/** The graph's input "features" float[N, D] and outputs "probabilities" float[N, K] and "label" int64[N]. */
function ioValueInfo(g: ProtoWriter, D: number, K: number): void {
  valueInfo(g, Graph.input, ONNX_INPUT, DataType.FLOAT, ['N', D]);
  valueInfo(g, Graph.output, ONNX_PROBABILITIES, DataType.FLOAT, ['N', K]);
  valueInfo(g, Graph.output, ONNX_LABEL, DataType.INT64, ['N']);
}

/** Adds the metadata properties and returns the model's bytes. */
function withMetadata(m: ProtoWriter, meta: Record<string, string>): Uint8Array {
  for (const [key, value] of Object.entries(meta)) {
    m.message(Model.metadataProps, (e) => {
      e.string(StringEntry.key, key);
      e.string(StringEntry.value, value);
    });
  }
  return m.finish();
}
