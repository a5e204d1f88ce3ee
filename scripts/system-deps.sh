#!/bin/sh
# The Debian libraries WeasyPrint draws PDFs with (Pango, HarfBuzz, a font with æøå). Installed when they are
# missing and this is a Debian machine where we may use apt-get; otherwise we say what to install.
set -u
if ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' && ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so' \
   && fc-list 2>/dev/null | grep -qi dejavu; then
  exit 0
fi
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Installing the libraries for PDF documents: $PACKAGES"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $PACKAGES >/dev/null) \
    || echo "Could not install $PACKAGES: PDF documents will answer 503 until they are installed." >&2
else
  echo "PDF documents need: $PACKAGES (Debian/Ubuntu: sudo apt-get install $PACKAGES)" >&2
fi
exit 0
