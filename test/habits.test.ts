import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * House habits (issue 15): no function in src/ over 120 lines and no file over 500 ("done when"), and a
 * file over 400 lines or with a function over 100 ("habits") only when its top comment says why, in a
 * sentence starting "Longer than the house limits because".
 * Lines are counted as they stand in the file: a function from its first line (signature, decorators and
 * leading comment excluded) to its closing brace.
 */
const ROOT = resolve(import.meta.dirname, "..");
const SRC = join(ROOT, "src");
const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 120;
const SOFT_FILE_LINES = 400;
const SOFT_FUNCTION_LINES = 100;
const JUSTIFIED = /Longer than the house limits because\s+\S.{19,}/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** The comments before the file's first statement (its top comment), joined. */
function topComment(text: string): string {
  const ranges = ts.getLeadingCommentRanges(text, text.startsWith("#!") ? text.indexOf("\n") + 1 : 0) ?? [];
  return ranges.map((r) => text.slice(r.pos, r.end)).join("\n");
}

/** A readable name for a function-like node: `Class.method`, `name`, or `(anonymous)`. */
function nameOf(node: ts.FunctionLikeDeclaration): string {
  const holderOf = (member: ts.Node) => (ts.isClassLike(member.parent) && member.parent.name ? `${member.parent.name.text}.` : "");
  if (ts.isConstructorDeclaration(node)) return `${holderOf(node)}constructor`;
  if (node.name) return `${holderOf(node)}${node.name.getText()}`;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (ts.isPropertyDeclaration(parent)) return `${holderOf(parent)}${parent.name.getText()}`;
  return "(anonymous)";
}

/** Every problem in one file: its length, and each function over a limit (the soft limits hold unless its top comment justifies it). */
export function habitProblems(file: string, text: string): string[] {
  const justified = JUSTIFIED.test(topComment(text));
  const fileLimit = justified ? MAX_FILE_LINES : SOFT_FILE_LINES;
  const functionLimit = justified ? MAX_FUNCTION_LINES : SOFT_FUNCTION_LINES;
  const why = justified ? "" : " without a reason at its top";
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
  const problems: string[] = [];
  const lines = lineOf(text.length) + (text.endsWith("\n") ? 0 : 1);
  if (lines > fileLimit) problems.push(`${file}: ${lines} lines (limit ${fileLimit}${why})`);
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body) {
      const f = node as ts.FunctionLikeDeclaration;
      const span = lineOf(f.end) - lineOf(f.getStart(sf)) + 1;
      if (span > functionLimit) problems.push(`${file}:${lineOf(f.getStart(sf)) + 1}: ${nameOf(f)} is ${span} lines (limit ${functionLimit}${why})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return problems;
}

describe("house habits: file and function length", () => {
  it("no file in src/ over 500 lines and no function over 120; over 400 / 100 only with a reason at the file's top", () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50); // the scan really found the source tree
    const found = files.flatMap((f) => habitProblems(relative(ROOT, f), readFileSync(f, "utf8")));
    expect(found).toEqual([]);
  });

  it("counts a function's lines from its first line to its closing brace, and a file's lines", () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const x${i} = ${i};`).join("\n");
    const NO = " without a reason at its top";
    // 1 line for the signature + 99 body lines + 1 closing brace = 101 lines
    const long = `export function tooLong(): void {\n${body(99)}\n}\n`;
    const fine = `export function fits(): void {\n${body(98)}\n}\n`;
    expect(habitProblems("a.ts", long)).toEqual([`a.ts:1: tooLong is 101 lines (limit 100${NO})`]);
    expect(habitProblems("a.ts", fine)).toEqual([]);
    const method = `class Book {\n  run = () => {\n${body(99)}\n  };\n}\n`;
    expect(habitProblems("b.ts", method)).toEqual([`b.ts:2: Book.run is 101 lines (limit 100${NO})`]);
    const file = Array.from({ length: 401 }, (_, i) => `export const c${i} = ${i};`).join("\n") + "\n";
    expect(habitProblems("c.ts", file)).toEqual([`c.ts: 401 lines (limit 400${NO})`]);
    expect(habitProblems("c.ts", file.split("\n").slice(1).join("\n"))).toEqual([]);
  });

  it("lets a file past 400 lines or a function past 100 through when its top comment says why, and only then; never past 500 / 120", () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const c${i} = ${i};`).join("\n") + "\n";
    const why = "/**\n * The venue tables. Longer than the house limits because each tier row is a sourced figure.\n */\n";
    expect(habitProblems("d.ts", why + lines(450))).toEqual([]);
    expect(habitProblems("d.ts", "/** Longer than the house limits because. */\n" + lines(450))).toEqual(["d.ts: 451 lines (limit 400 without a reason at its top)"]); // no reason given
    // a justification further down the file does not count: it must be the top comment
    expect(habitProblems("d.ts", lines(450) + why)).toEqual(["d.ts: 453 lines (limit 400 without a reason at its top)"]);
    // the hard limits hold whatever the comment says
    expect(habitProblems("d.ts", why + lines(501))).toEqual(["d.ts: 504 lines (limit 500)"]);
    const body = Array.from({ length: 119 }, (_, i) => `  const x${i} = ${i};`).join("\n");
    expect(habitProblems("e.ts", `${why}export function tooLong(): void {\n${body}\n}\n`)).toEqual(["e.ts:4: tooLong is 121 lines (limit 120)"]);
  });
});
