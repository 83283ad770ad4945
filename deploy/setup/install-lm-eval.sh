#!/usr/bin/env bash
# lm-evaluation-harness for the lm-eval suite, in a project-local venv (.tools/lm-eval-venv).
#
# lm-eval is installed with --no-deps plus exactly the packages its API model path
# (local-chat-completions / local-completions) imports on a run over a local JSON task, found by running
# it: this keeps scikit-learn, scipy, evaluate, nltk and friends (and any GPU stack a future lm-eval
# default might pull) out of the venv. Every version is pinned, so CI and a laptop get the same set.
# Tasks that need more (humaneval's code_eval needs `evaluate`, ifeval needs `nltk` …) name the missing
# module in lm-eval's own error; add them with NIGHTSHIFT_LM_EVAL_EXTRA="pkg==ver …".
#
# Idempotent: a stamp file holds the pin list it was built from; a matching stamp and a working import
# mean nothing to do. Prints the venv's python path as its last stdout line (test/support/tools.ts
# relies on that); the suite runs `<python> -m lm_eval`.
set -euo pipefail
cd "$(dirname "$0")/../.."
SETUP_NAME=install-lm-eval
# shellcheck source=lib/common.sh
. deploy/setup/lib/common.sh
VENV=".tools/lm-eval-venv"
LM_EVAL="lm-eval==0.4.13"
DEPS=(
  numpy==2.4.6 Jinja2==3.1.6 MarkupSafe==3.0.4 tqdm==4.70.1 PyYAML==6.0.3 typing_extensions==4.16.0
  more-itertools==11.2.1 dill==0.4.1 sqlitedict==2.1.0
  # API model path: HTTP client and retries
  requests==2.34.2 urllib3==2.8.0 idna==3.20 certifi==2026.10.18 charset-normalizer==3.5.2
  aiohttp==3.14.5 aiohappyeyeballs==2.7.1 aiosignal==1.4.0 attrs==26.1.0 frozenlist==1.8.0
  multidict==7.2.1 propcache==0.5.4 yarl==1.25.1 tenacity==9.2.1
  # metrics module imports sacrebleu at load time
  sacrebleu==2.6.0 portalocker==4.4.2 tabulate==0.10.0 colorama==0.4.6 lxml==6.1.3
  # task datasets (dataset_path: json) and the results tracker
  datasets==5.2.0 fsspec==2026.9.0 multiprocess==0.70.19 pandas==3.1.1 python-dateutil==2.9.0.post0
  six==1.17.0 pytz==2026.6 pyarrow==26.0.1 huggingface_hub==2.4.0 httpx2==2.16.2 httpcore2==2.16.2
  h11==0.16.0 anyio==4.16.0 truststore==0.10.5 filelock==4.2.11 packaging==26.3 xxhash==4.1.0
  # results table printed at the end of a run
  pytablewriter==1.2.1 DataProperty==1.1.1 typepy==1.3.5 mbstrdecoder==1.1.5 tabledata==1.3.5
  tcolorpy==0.1.7 pathvalidate==3.3.1 chardet==6.0.0.post1
)
# shellcheck disable=SC2206
EXTRA=(${NIGHTSHIFT_LM_EVAL_EXTRA:-})
STAMP_TEXT="$LM_EVAL ${DEPS[*]} ${EXTRA[*]}"
STAMP="$VENV/.nightshift-pins"

ready() {
  [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_TEXT" ] &&
    "$VENV/bin/python" -c 'import lm_eval.models.openai_completions, datasets, sqlitedict' >/dev/null 2>&1
}

if ! ready; then
  find_python
  rm -f "$STAMP"
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV" >&2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps "$LM_EVAL" "${DEPS[@]}" "${EXTRA[@]}" >&2
  "$VENV/bin/python" -c 'import lm_eval.models.openai_completions, datasets, sqlitedict' >&2 || {
    echo "install-lm-eval: $LM_EVAL installed into $VENV but its API model path does not import" >&2
    exit 1
  }
  printf '%s' "$STAMP_TEXT" >"$STAMP"
fi
echo "$(pwd)/$VENV/bin/python"
