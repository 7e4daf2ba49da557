#!/usr/bin/env bash
# Fails (exit 1) listing every .go file that gofmt would change.
#
# Checks all .go files of the work tree: the tracked ones plus new files not
# yet added (but not git-ignored ones such as build output). Outside a git
# checkout it falls back to every .go file under the repo root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v gofmt >/dev/null 2>&1 && [[ -x /usr/local/go/bin/gofmt ]]; then
    PATH="/usr/local/go/bin:$PATH"
fi

files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    while IFS= read -r -d '' f; do
        # ls-files -c still lists tracked files deleted from the work tree.
        [[ -f "$f" ]] && files+=("$f")
    done < <(git ls-files -z -c -o --exclude-standard -- '*.go')
else
    while IFS= read -r -d '' f; do
        files+=("$f")
    done < <(find . -path ./.git -prune -o -type f -name '*.go' -print0)
fi

if [[ ${#files[@]} -eq 0 ]]; then
    echo "gofmt: no .go files"
    exit 0
fi

# gofmt -l exits non-zero (after printing the error) on a file it cannot parse.
if ! unformatted="$(gofmt -l "${files[@]}")"; then
    echo "gofmt: could not parse the files named above" >&2
    exit 1
fi
if [[ -n "$unformatted" ]]; then
    echo "gofmt: these files need formatting (run: gofmt -w FILE):" >&2
    printf '%s\n' "$unformatted" | sed 's/^/  /' >&2
    exit 1
fi
echo "gofmt: ${#files[@]} files ok"
