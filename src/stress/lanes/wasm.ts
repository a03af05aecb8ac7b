/**
 * A small WebAssembly module writer: what a kernel generated at run time for a book's shape needs (scalar and
 * f64x2 arithmetic, locals, memory, blocks, loops, calls to imported functions), encoded as the binary format
 * (https://webassembly.github.io/spec/core/binary/, the SIMD opcodes of the fixed-width SIMD proposal's
 * BinarySIMD.md). V8 validates what it is given: a module this writes wrongly fails to compile, it does not run
 * wrong. No text format, no optimiser: the code is written as it should run.
 */

/** Value types. */
export const I32 = 0x7f, I64 = 0x7e, F64 = 0x7c, V128 = 0x7b;
export type ValueType = typeof I32 | typeof I64 | typeof F64 | typeof V128;

/** The f64x2 / v128 / i64x2 / i32x4 instructions the lanes use, by name: their opcode after the 0xfd prefix (add others from BinarySIMD.md as code needs them). */
export const SIMD = {
  load: 0x00, store: 0x0b, const: 0x0c, i8x16_shuffle: 0x0d,
  i32x4_splat: 0x11, f64x2_splat: 0x14,
  i32x4_extract_lane: 0x1b, i64x2_extract_lane: 0x1d, f64x2_extract_lane: 0x21, f64x2_replace_lane: 0x22,
  f64x2_eq: 0x47, f64x2_ne: 0x48, f64x2_lt: 0x49, f64x2_gt: 0x4a, f64x2_ge: 0x4c,
  not: 0x4d, and: 0x4e, andnot: 0x4f, or: 0x50, xor: 0x51, bitselect: 0x52, any_true: 0x53,
  f64x2_floor: 0x75, f64x2_trunc: 0x7a, i32x4_eq: 0x37, i32x4_shl: 0xab,
  i64x2_all_true: 0xc3, i64x2_extend_low_i32x4_s: 0xc7, i64x2_shl: 0xcb, i64x2_shr_u: 0xcd, i64x2_add: 0xce, i64x2_sub: 0xd1,
  i64x2_eq: 0xd6, i64x2_lt_s: 0xd8, i64x2_gt_s: 0xd9, f64x2_abs: 0xec, f64x2_sqrt: 0xef, f64x2_add: 0xf0, f64x2_sub: 0xf1, f64x2_mul: 0xf2, f64x2_div: 0xf3,
  i32x4_trunc_sat_f64x2_s_zero: 0xfc, f64x2_convert_low_i32x4_s: 0xfe,
} as const;
export type SimdOp = Exclude<keyof typeof SIMD, "load" | "store" | "const" | "i8x16_shuffle" | `${string}_lane`>;

/** Scalar instructions the lanes use, by name: their one-byte opcode (the core spec's binary format for others). */
export const OP = {
  else: 0x05, end: 0x0b, i32_eqz: 0x45, i64_eqz: 0x50, i32_ge_s: 0x4e,
  i32_add: 0x6a, i32_shl: 0x74, f64_add: 0xa0, f64_mul: 0xa2, f64_convert_i32_s: 0xb7,
} as const;
export type ScalarOp = keyof typeof OP;

/** Unsigned LEB128. */
function u32(out: number[], n: number): void {
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

/** Signed LEB128 of a bigint (i32 and i64 immediates). */
function sleb(out: number[], n: bigint): void {
  for (;;) {
    const byte = Number(n & 0x7fn);
    n >>= 7n;
    const done = (n === 0n && (byte & 0x40) === 0) || (n === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

const f64Bytes = (x: number): number[] => Array.from(new Uint8Array(new Float64Array([x]).buffer));

/** A block's type: no value, or one value of a type. */
export type BlockType = "empty" | ValueType;

/**
 * A function's code, written instruction by instruction (each method pushes one and returns the writer). Locals
 * are numbered after the parameters, in the order `local` hands them out.
 */
export class Code {
  readonly bytes: number[] = [];
  readonly locals: ValueType[] = [];

  constructor(readonly params: readonly ValueType[], readonly results: readonly ValueType[]) {}

  /** A new local of this type: its index. */
  local(type: ValueType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  op(name: ScalarOp): this {
    this.bytes.push(OP[name]);
    return this;
  }
  simd(name: SimdOp): this {
    this.bytes.push(0xfd);
    u32(this.bytes, SIMD[name]);
    return this;
  }
  get(local: number): this {
    this.bytes.push(0x20);
    u32(this.bytes, local);
    return this;
  }
  set(local: number): this {
    this.bytes.push(0x21);
    u32(this.bytes, local);
    return this;
  }
  tee(local: number): this {
    this.bytes.push(0x22);
    u32(this.bytes, local);
    return this;
  }
  i32(n: number): this {
    this.bytes.push(0x41);
    sleb(this.bytes, BigInt(n | 0));
    return this;
  }
  i64(n: bigint): this {
    this.bytes.push(0x42);
    sleb(this.bytes, BigInt.asIntN(64, n));
    return this;
  }
  f64(x: number): this {
    this.bytes.push(0x44, ...f64Bytes(x));
    return this;
  }
  /** A v128 constant of two f64 lanes (the same value in both unless given two). */
  f64x2(x: number, y = x): this {
    this.bytes.push(0xfd);
    u32(this.bytes, SIMD.const);
    this.bytes.push(...f64Bytes(x), ...f64Bytes(y));
    return this;
  }
  /** A v128 constant of two i64 lanes. */
  i64x2(x: bigint, y = x): this {
    const b = new BigInt64Array([x, y]);
    this.bytes.push(0xfd);
    u32(this.bytes, SIMD.const);
    this.bytes.push(...new Uint8Array(b.buffer));
    return this;
  }
  /** The bytes of two v128 values picked by index (0–15 the first's, 16–31 the second's). */
  shuffle(lanes: readonly number[]): this {
    this.bytes.push(0xfd);
    u32(this.bytes, SIMD.i8x16_shuffle);
    this.bytes.push(...lanes);
    return this;
  }
  private lane(name: "i32x4_extract_lane" | "i64x2_extract_lane" | "f64x2_extract_lane" | "f64x2_replace_lane", lane: number): this {
    this.bytes.push(0xfd);
    u32(this.bytes, SIMD[name]);
    this.bytes.push(lane);
    return this;
  }
  f64x2Extract(lane: 0 | 1): this {
    return this.lane("f64x2_extract_lane", lane);
  }
  f64x2Replace(lane: 0 | 1): this {
    return this.lane("f64x2_replace_lane", lane);
  }
  i64x2Extract(lane: 0 | 1): this {
    return this.lane("i64x2_extract_lane", lane);
  }
  i32x4Extract(lane: 0 | 1 | 2 | 3): this {
    return this.lane("i32x4_extract_lane", lane);
  }
  /** Loads and stores at an i32 address on the stack plus a constant offset (alignment: the natural one). */
  f64Load(offset = 0): this {
    return this.memory(0x2b, 3, offset);
  }
  f64Store(offset = 0): this {
    return this.memory(0x39, 3, offset);
  }
  i32Load(offset = 0): this {
    return this.memory(0x28, 2, offset);
  }
  v128Load(offset = 0): this {
    this.bytes.push(0xfd);
    u32(this.bytes, SIMD.load);
    u32(this.bytes, 4);
    u32(this.bytes, offset);
    return this;
  }
  v128Store(offset = 0): this {
    this.bytes.push(0xfd);
    u32(this.bytes, SIMD.store);
    u32(this.bytes, 4);
    u32(this.bytes, offset);
    return this;
  }
  private memory(opcode: number, align: number, offset: number): this {
    this.bytes.push(opcode);
    u32(this.bytes, align);
    u32(this.bytes, offset);
    return this;
  }
  private blockType(type: BlockType): void {
    this.bytes.push(type === "empty" ? 0x40 : type);
  }
  block(type: BlockType = "empty"): this {
    this.bytes.push(0x02);
    this.blockType(type);
    return this;
  }
  loop(type: BlockType = "empty"): this {
    this.bytes.push(0x03);
    this.blockType(type);
    return this;
  }
  if(type: BlockType = "empty"): this {
    this.bytes.push(0x04);
    this.blockType(type);
    return this;
  }
  else(): this {
    return this.op("else");
  }
  end(): this {
    return this.op("end");
  }
  /** Branch to the enclosing block `depth` levels out (0: the innermost). */
  br(depth: number): this {
    this.bytes.push(0x0c);
    u32(this.bytes, depth);
    return this;
  }
  brIf(depth: number): this {
    this.bytes.push(0x0d);
    u32(this.bytes, depth);
    return this;
  }
  call(func: number): this {
    this.bytes.push(0x10);
    u32(this.bytes, func);
    return this;
  }
}

export interface ImportedFunction {
  module: string;
  name: string;
  params: readonly ValueType[];
  results: readonly ValueType[];
}

export interface ModuleSpec {
  /** imported functions: indices 0… in this order, before the module's own */
  imports: readonly ImportedFunction[];
  /** the module's own memory of this many 64 KiB pages, exported as "memory" */
  memoryPages: number;
  /** the module's functions (indices after the imports), each exported under its name */
  functions: readonly { name: string; code: Code }[];
}

function section(out: number[], id: number, body: number[]): void {
  out.push(id);
  u32(out, body.length);
  out.push(...body);
}

function vec<T>(out: number[], items: readonly T[], write: (item: T) => void): void {
  u32(out, items.length);
  for (const item of items) write(item);
}

function name(out: number[], text: string): void {
  const bytes = new TextEncoder().encode(text);
  u32(out, bytes.length);
  out.push(...bytes);
}

/** The binary module. */
export function encodeModule(spec: ModuleSpec): Uint8Array {
  const signatures: string[] = [];
  const typeOf = (params: readonly ValueType[], results: readonly ValueType[]) => {
    const key = `${params.join(",")}>${results.join(",")}`;
    let index = signatures.indexOf(key);
    if (index < 0) index = signatures.push(key) - 1;
    return index;
  };
  const importTypes = spec.imports.map((f) => typeOf(f.params, f.results));
  const functionTypes = spec.functions.map((f) => typeOf(f.code.params, f.code.results));

  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  vec(types, signatures, (key) => {
    const [params, results] = key.split(">").map((s) => (s === "" ? [] : s.split(",").map(Number)));
    types.push(0x60);
    vec(types, params, (t) => types.push(t));
    vec(types, results, (t) => types.push(t));
  });
  section(out, 1, types);
  const imports: number[] = [];
  vec(imports, spec.imports.map((f, i) => ({ ...f, type: importTypes[i] })), (f) => {
    name(imports, f.module);
    name(imports, f.name);
    imports.push(0x00);
    u32(imports, f.type);
  });
  section(out, 2, imports);
  const functions: number[] = [];
  vec(functions, functionTypes, (t) => u32(functions, t));
  section(out, 3, functions);
  const memory: number[] = [];
  u32(memory, 1);
  memory.push(0x00);
  u32(memory, spec.memoryPages);
  section(out, 5, memory);
  const exports: number[] = [];
  const exported = [...spec.functions.map((f, i) => ({ name: f.name, kind: 0x00, index: spec.imports.length + i })), { name: "memory", kind: 0x02, index: 0 }];
  vec(exports, exported, (e) => {
    name(exports, e.name);
    exports.push(e.kind);
    u32(exports, e.index);
  });
  section(out, 7, exports);
  const code: number[] = [];
  vec(code, spec.functions, (f) => {
    const body: number[] = [];
    // locals in runs of the same type
    const runs: [number, ValueType][] = [];
    for (const t of f.code.locals) {
      const last = runs.at(-1);
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    vec(body, runs, ([count, t]) => {
      u32(body, count);
      body.push(t);
    });
    body.push(...f.code.bytes, OP.end);
    u32(code, body.length);
    code.push(...body);
  });
  section(out, 10, code);
  return new Uint8Array(out);
}

/** The little of the WebAssembly API the lanes use (this project's TypeScript libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** absent under `node --jitless` */
const webAssembly = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

/**
 * A module's bytes compiled and instantiated with these imports: its exports (a module's memory is its export
 * "memory"). Throws where this Node has no WebAssembly (`--jitless`) or V8 refuses the module (no SIMD on the machine).
 */
export function instantiate(bytes: Uint8Array, imports: object = {}): Record<string, unknown> {
  if (webAssembly === undefined) throw new Error("this Node has no WebAssembly (--jitless)");
  return new webAssembly.Instance(new webAssembly.Module(bytes), imports).exports;
}
