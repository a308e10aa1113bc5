#!/usr/bin/env bash
# Install the unpacked PPG Desk folder for the current user: a menu entry and a command.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${XDG_DATA_HOME:-$HOME/.local/share}/ppg-desk/app"
mkdir -p "$target" "$HOME/.local/bin" "${XDG_DATA_HOME:-$HOME/.local/share}/applications" \
  "${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
cp -a "$here/." "$target/"
ln -sf "$target/ppg-desktop" "$HOME/.local/bin/ppg-desktop"
sed "s|^Exec=.*|Exec=$target/ppg-desktop|" "$here/ppg-desk.desktop" \
  > "${XDG_DATA_HOME:-$HOME/.local/share}/applications/ppg-desk.desktop"
cp "$here/ppg-desk.png" "${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps/ppg-desk.png"
echo "PPG Desk is installed: find it in your applications menu, or run ppg-desktop."
