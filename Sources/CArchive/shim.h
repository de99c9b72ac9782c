// libarchive (Debian libarchive-dev): the tar format reader, fed our inflated stream.
#include <archive.h>
#include <archive_entry.h>
