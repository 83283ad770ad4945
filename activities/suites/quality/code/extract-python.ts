// Finding the Python program in a model's answer the way benchlocal-cli's code-reasoning verifier does
// (learned from its source, written anew), so HumanEval+ and LiveCodeBench answers are judged on the same
// code in both tools. In order:
//
// 1. the LAST complete ```python / ```py / ``` block;
// 2. an answer that opens with a fence never closed: everything after it;
// 3. a fence opened later, after prose: everything after it (a bare trailing ``` with nothing after it is
//    a stray closer, dropped, and the search goes on);
// 4. a bare "python" label line, then the first line that starts code (import, from … import, class,
//    def, a decorator);
// 5. the first such line anywhere;
// 6. the first `def` up to the next unindented line;
// otherwise nothing ("empty_code"). Each method and what was odd about the answer go into the trace.

const FENCED = /```(?:python|py)?[ \t\r]*\n?([\s\S]*?)```/gi;
const OPENING_FENCE = /^```(?:python|py)?[ \t\r]*\n?/i;
const OPENING_FENCE_ANYWHERE = /```(?:python|py)?[ \t\r]*\n?/i;
const LANGUAGE_LABEL = /^\s*(?:python|py)\s*\n/i;
const CODE_START = /^(?:from\s+\S+\s+import\s+.+|import\s+.+|class\s+\w+\b.*|def\s+\w+\s*\(.*|@\w+.*)$/m;
const DEF_BLOCK = /^(def\s+\w+[\s\S]*?)(?=\n\S|(?![\s\S]))/m;

export interface Extraction {
  code: string;
  extraction_method: string;
  extraction_issue: string;
}

function stripUnmatchedFence(code: string): string {
  let out = code.trim().replace(OPENING_FENCE, '').trim();
  if (out.endsWith('```')) out = out.slice(0, -3).trim();
  return out;
}

export function extractPython(text: string): Extraction {
  const found = (code: string, method: string, issue: string): Extraction => ({ code, extraction_method: method, extraction_issue: issue });
  let clean = text.trimStart();
  const blocks = [...text.matchAll(FENCED)];
  const last = blocks.at(-1);
  if (last) return found(last[1] ?? '', 'last_fenced', 'none');
  if (OPENING_FENCE.test(clean)) return found(stripUnmatchedFence(clean), 'opening_fence', 'unterminated_fence');
  const fence = OPENING_FENCE_ANYWHERE.exec(clean);
  if (fence) {
    const remainder = clean.slice(fence.index + fence[0].length);
    if (remainder.trim()) return found(stripUnmatchedFence(remainder), 'opening_fence_anywhere', 'prose_before_unterminated_fence');
    clean = clean.slice(0, fence.index).trimEnd();
  }
  const label = LANGUAGE_LABEL.exec(clean);
  if (label) {
    const afterLabel = clean.slice(label[0].length).trimStart();
    const start = CODE_START.exec(afterLabel);
    if (start) {
      const issue = afterLabel.slice(0, start.index).trim() ? 'language_label_then_prose_before_code' : 'language_label_before_code';
      return found(stripUnmatchedFence(afterLabel.slice(start.index)), 'code_start_after_language_label', issue);
    }
  }
  const start = CODE_START.exec(clean);
  if (start) return found(stripUnmatchedFence(clean.slice(start.index)), 'code_start', clean.slice(0, start.index).trim() ? 'prose_before_code' : 'no_fenced_block');
  const def = DEF_BLOCK.exec(clean);
  if (def) return found(def[1] ?? '', 'def', 'no_fenced_block');
  return found('', 'empty', 'empty_code');
}
