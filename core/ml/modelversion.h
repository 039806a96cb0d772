#pragma once

#include "index/vectorindex.h"
#include "jobs/jobcontrol.h"
#include "ml/embeddings.h"
#include "result.h"

#include <memory>

namespace likeness {

class Project;

// What loadVersionData() had to do to bring a version's caches up to date.
struct CacheUpdate
{
    qint64 embedded = 0;        // images embedded now (all of them when rebuilt)
    qint64 added = 0;           // vectors added to an existing index
    qint64 removed = 0;         // vectors removed from an existing index
    bool embeddingsRebuilt = false; // every image was embedded again
    bool indexRebuilt = false;      // the index was built from scratch
};

// The embeddings and the index of one model version, loaded together. Immutable; hand it
// between threads as a shared pointer. embeddings and index hold the same ids.
struct VersionData
{
    int version = 0;
    EmbeddingMatrix embeddings; // mapped from the cache file when it was up to date
    VectorIndex index;
    CacheUpdate update;
};

// Loads the embeddings and index of a version from the project's caches (mapped, so a large
// project opens without reading its vectors) and brings them up to date with the project's
// embeddable images: images imported since are embedded with this version and added to the
// index, removed, missing or changed images leave it; only a cache that is missing,
// unreadable or of another version or dimension is rebuilt, and the index also when its kind
// no longer fits its size (options.approximateThreshold). The index's stats are written
// beside it and, for a ready version of a writable project, into the version's metrics
// ("index").
Result<std::shared_ptr<const VersionData>> loadVersionData(Project &project, int version,
                                                           JobControl &control,
                                                           const IndexOptions &options = {});

// The stats saved with the version's index, if it has been built.
std::optional<IndexStats> savedIndexStats(const Project &project, int version);

QString embeddingsPath(const Project &project, int version);
QString indexPath(const Project &project, int version);
QString modelFolder(const Project &project, int version);

// Neighbours of one image under the loaded version, leaving out the image itself.
Result<QVector<Neighbour>> neighboursOfImage(const VersionData &data, qint64 imageId, int k);

} // namespace likeness
