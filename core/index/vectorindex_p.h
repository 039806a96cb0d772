#pragma once

// Private to core and the index benchmark: the Faiss index behind a VectorIndex, so that a
// benchmark can call Faiss directly on the very same index and measure our overhead.

#include "index/vectorindex.h"

#include <faiss/Index.h>

namespace likeness {

// The Faiss index a VectorIndex searches (IndexIDMap2 over IndexFlatIP, or IndexIVFFlat with
// inner product); null for an index that was never built. Owned by the VectorIndex; valid
// while it lives and is not changed. Faiss's const search functions may be called from
// several threads.
const faiss::Index *faissIndexOf(const VectorIndex &index);

} // namespace likeness
