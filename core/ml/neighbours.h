#pragma once

#include "index/vectorindex.h"
#include "ml/modelversion.h"
#include "result.h"
#include "store/project.h"

#include <QStringList>
#include <QVector>

namespace likeness {

// Neighbourhoods in the embedding space of a loaded model version: what the neighbour view,
// the gallery's "sort by similarity" and `likeness-cli knn / sort / compare` show.
// Every function reads only; none runs on the GUI thread in the app (they search the index).

// A neighbour as shown to a person.
struct NeighbourInfo
{
    qint64 id = 0;
    float similarity = 0.f; // cosine similarity in [-1, 1]
    QStringList labels;
    // The image already appears in a judgment together with one of the query images.
    bool judgedWithQuery = false;
};

// The query vector of a selection: the mean of its images' embeddings, L2-normalised
// (dimension floats). Fails when an image has no embedding or the mean is zero.
Result<QVector<float>> selectionQuery(const VersionData &data, const QVector<qint64> &selection);

// The k nearest images to one image or to the mean of a selection, leaving the selection out,
// with labels and the judgment marker.
Result<QVector<NeighbourInfo>> nearestNeighbours(const Project &project, const VersionData &data,
                                                 const QVector<qint64> &selection, int k);

// Adds labels and judgment markers to plain search results.
QVector<NeighbourInfo> describeNeighbours(const Project &project,
                                          const QVector<Neighbour> &neighbours,
                                          const QVector<qint64> &query);

// Images of the index ordered by similarity to an image or a selection (the selection
// included, most similar first), one page of at most limit from offset. A page beyond the
// end is empty. An approximate index orders what its probed clusters hold.
Result<QVector<Neighbour>> sortBySimilarity(const VersionData &data,
                                            const QVector<qint64> &selection, qint64 offset,
                                            qint64 limit);

// Neighbours of a picture that is not in the project: the file is decoded with the importer's
// decoder and embedded with the version (network or classic descriptor).
Result<QVector<Neighbour>> neighboursOfFile(const Project &project, const VersionData &data,
                                            const QString &file, int k);

// How one image's k neighbours differ between two versions.
struct NeighbourhoodComparison
{
    QVector<Neighbour> before; // under the first version
    QVector<Neighbour> after;  // under the second version
    QVector<qint64> entered;   // in after, not in before (in after's order)
    QVector<qint64> left;      // in before, not in after (in before's order)
    double jaccard = 1;        // |before ∩ after| / |before ∪ after| of the id sets
};
Result<NeighbourhoodComparison> compareNeighbourhoods(const VersionData &first,
                                                      const VersionData &second, qint64 imageId,
                                                      int k);

// How much the neighbourhoods changed between two versions over the collection: the mean
// Jaccard similarity of the top-k sets of up to sampleSize images embedded by both (a seeded
// sample), and change = 1 - that mean.
struct NeighbourhoodChange
{
    double meanJaccard = 1;
    double change = 0;
    qint64 images = 0; // how many images were compared
    int k = 0;
};
Result<NeighbourhoodChange> neighbourhoodChange(const VersionData &first,
                                                const VersionData &second, int k,
                                                int sampleSize, quint64 seed = 1);

// Samplers named on judgments recorded from the neighbour view.
inline const QString MoreLikeThisSampler = QStringLiteral("neighbours-more-like-this");
inline const QString NotLikeThisSampler = QStringLiteral("neighbours-not-like-this");

// Turns "more like this" / "not like this" on one shown neighbour of a query image into a
// triplet judgment with the query as anchor:
//  - more like this: the neighbour is more similar than the least similar other shown
//    neighbour (first = neighbour, second = that one, choice First);
//  - not like this: the most similar other shown neighbour is more similar than it
//    (first = neighbour, second = that one, choice Second).
// shown: the neighbours on screen, most similar first; it must hold the neighbour and one
// other image. The judgment is not stored; Project::addJudgment() does that.
Result<Judgment> neighbourFeedbackJudgment(qint64 queryId, const QVector<Neighbour> &shown,
                                           qint64 neighbourId, bool moreLikeThis,
                                           const QString &annotator, int modelVersion);

} // namespace likeness
