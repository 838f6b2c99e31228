# Shared by the .ci scripts (sourced, not run).

# copy_tree ROOT DEST: the working tree of ROOT as git sees it (tracked and untracked files, less
# what .gitignore drops: target/, .data/), so a check in DEST sees uncommitted changes too and
# never the build outputs of ROOT.
copy_tree() {
  mkdir -p "$2"
  (cd "$1" && git ls-files -z --cached --others --exclude-standard \
     | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$2"
}
