#pragma once

#include "jobs/jobcontrol.h"
#include "result.h"

#include <QHash>
#include <QVector>

#include <memory>
#include <vector>

class QFile;

namespace likeness {

class Project;

// The embeddings of one model version: n rows of d float32 values, row-major, each row
// L2-normalised, with ids[i] the image id of row i (ascending). The rows live either in
// `values` or in a read-only mapping of the embedding file (see loadEmbeddings()); data()
// and row() read both. Copies of a mapped matrix share the mapping.
struct EmbeddingMatrix
{
    int version = 0;
    int dimension = 0;
    QByteArray contentFingerprint; // 32 bytes: imageContentFingerprint() of the rows' images
    QVector<qint64> ids;
    // contentKey() of each row's image content when it was embedded (empty: not known).
    QVector<quint64> contentKeys;
    std::vector<float> values; // ids.size() × dimension, empty when mapped
    std::shared_ptr<QFile> mapping;     // the open, mapped embedding file
    const float *mappedValues = nullptr; // ids.size() × dimension inside the mapping

    qint64 rows() const { return ids.size(); }
    const float *data() const { return mappedValues ? mappedValues : values.data(); }
    const float *row(qint64 i) const { return data() + i * dimension; }
    qint64 rowOf(qint64 imageId) const; // -1 when the image has no row
};

// Image content hash (hex SHA-256) → the 64-bit key stored per row of an embedding file.
quint64 contentKey(const QString &contentHash);
// contentKey() of every ok image of the project, by image id.
QHash<qint64, quint64> imageContentKeys(const Project &project);

// File layout: "LKE2" magic, uint32 version, uint32 dimension, uint64 n, 32 bytes content
// fingerprint, n int64 ids, n uint64 content keys, n × d float32 (at a 4-byte aligned
// offset), all little-endian. Written atomically (a half-written file never replaces a good
// one).
Status saveEmbeddings(const QString &path, const EmbeddingMatrix &matrix);
// Mapped: ids and keys are read, the rows stay in the file and are paged in on use, so
// opening a large project reads no vectors. InMemory: everything is read.
enum class MatrixLoad { InMemory, Mapped };
Result<EmbeddingMatrix> loadEmbeddings(const QString &path,
                                       MatrixLoad mode = MatrixLoad::InMemory);

// SHA-256 over the (id, content hash) pairs of the project's ok images, in id order: it
// changes when an image is added, removed or changes content, so a cache made before that is
// known to be stale.
QByteArray imageContentFingerprint(const Project &project);

// The ok images that have a cached model input, ascending: the rows an embedding matrix of
// the project has. An ok image without one is left out until it is imported again.
QVector<qint64> embeddableImageIds(const Project &project);

// Embeds every ok image of the project with the given model version (0: classic
// descriptor; otherwise the trained model stored in models/vNNNN/).
Result<EmbeddingMatrix> embedProjectImages(Project &project, int version, JobControl &control);
// Embeds the given ok images (ascending ids) with the version; images without a cached model
// input are left out. Fills ids, contentKeys and values; contentFingerprint stays empty.
Result<EmbeddingMatrix> embedImages(Project &project, int version, const QVector<qint64> &ids,
                                    JobControl &control);

// Embeds one model input (ModelInputBytes, see imaging/decoder.h) with the given version.
Result<QVector<float>> embedModelInput(const Project &project, int version,
                                       const QByteArray &modelInput);

} // namespace likeness
