// ISA-L's igzip inflate (Debian libisal-dev): 3.5x zlib's speed on image layers.
#include <isa-l/igzip_lib.h>
