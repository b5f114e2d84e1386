#!/usr/bin/env bash
# Writes the git commit a build is made from, for the provenance that every run folder, store and report records:
#   scripts/build-info.sh OUT.properties ROOT      (the build runs it: overparam-lab/pom.xml, generate-resources)
# OUT gets git.commit (40 hex digits, or "unknown") and git.dirty (true when tracked files or untracked files that
# .gitignore does not cover differ from the commit; "unknown" with the commit). ROOT must be the top of its own git
# checkout: a source tree unpacked inside some other repository, a tarball without .git, or a machine without git all
# give "unknown". Plain `git` is used, not a Java library, so that linked work trees (git worktree) work. Never fails.
set -u
out="$1"
root="$2"
commit=unknown
dirty=unknown
if command -v git >/dev/null 2>&1; then
  top="$(git -C "$root" rev-parse --show-toplevel 2>/dev/null)"
  if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$(cd "$root" && pwd -P)" ]; then
    if c="$(git -C "$root" rev-parse --verify --quiet HEAD 2>/dev/null)"; then
      commit="$c"
      if [ -n "$(git -C "$root" status --porcelain 2>/dev/null)" ]; then dirty=true; else dirty=false; fi
    fi
  fi
fi
mkdir -p "$(dirname "$out")"
tmp="$out.$$.partial"
printf 'git.commit=%s\ngit.dirty=%s\n' "$commit" "$dirty" >"$tmp" && mv -f "$tmp" "$out"
exit 0
