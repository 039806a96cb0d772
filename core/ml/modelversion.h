#pragma once

#include "index/vectorindex.h"
#include "jobs/jobcontrol.h"
#include "ml/embeddings.h"
#include "result.h"

#include <memory>

namespace likeness {

class Project;

// The embeddings and the index of one model version, loaded together. Immutable; hand it
// between threads as a shared pointer.
struct VersionData
{
    int version = 0;
    EmbeddingMatrix embeddings;
    VectorIndex index;
};

// Loads the embeddings and index of a version from the project's caches, rebuilding either
// when it is missing, unreadable or out of date with the project's ok images.
Result<std::shared_ptr<const VersionData>> loadVersionData(Project &project, int version,
                                                           JobControl &control);

QString embeddingsPath(const Project &project, int version);
QString indexPath(const Project &project, int version);
QString modelFolder(const Project &project, int version);

// Neighbours of one image under the loaded version, leaving out the image itself.
Result<QVector<Neighbour>> neighboursOfImage(const VersionData &data, qint64 imageId, int k);

} // namespace likeness
