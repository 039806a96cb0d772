#include "neighbours.h"

#include "imaging/decoder.h"
#include "logging.h"
#include "ml/embeddings.h"

#include <QRandomGenerator>
#include <QSet>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <cmath>

namespace likeness {

namespace {

bool normalise(QVector<float> &vector)
{
    double norm = 0;
    for (float value : vector) {
        norm += double(value) * value;
    }
    if (!(norm > 1e-20) || !std::isfinite(norm)) {
        return false;
    }
    const float scale = float(1 / std::sqrt(norm));
    for (float &value : vector) {
        value *= scale;
    }
    return true;
}

// The images that appear in a judgment together with any of the query images.
QSet<qint64> judgedWith(const Project &project, const QVector<qint64> &query)
{
    QSet<qint64> partners;
    if (query.isEmpty()) {
        return partners;
    }
    QStringList ids;
    for (qint64 id : query) {
        ids.append(QString::number(id));
    }
    const QString list = ids.join(u',');
    QSqlQuery sql(project.database());
    sql.setForwardOnly(true);
    sql.exec(QStringLiteral("SELECT anchor_id, first_id, second_id FROM triplets"
                            " WHERE anchor_id IN (%1) OR first_id IN (%1) OR second_id IN (%1)")
                 .arg(list));
    while (sql.next()) {
        for (int column = 0; column < 3; ++column) {
            partners.insert(sql.value(column).toLongLong());
        }
    }
    for (qint64 id : query) {
        partners.remove(id);
    }
    return partners;
}

QSet<qint64> idSet(const QVector<Neighbour> &neighbours)
{
    QSet<qint64> ids;
    for (const Neighbour &neighbour : neighbours) {
        ids.insert(neighbour.id);
    }
    return ids;
}

double jaccard(const QSet<qint64> &a, const QSet<qint64> &b)
{
    if (a.isEmpty() && b.isEmpty()) {
        return 1;
    }
    const qsizetype common = QSet<qint64>(a).intersect(b).size();
    return double(common) / double(a.size() + b.size() - common);
}

} // namespace

Result<QVector<float>> selectionQuery(const VersionData &data, const QVector<qint64> &selection)
{
    using Answer = Result<QVector<float>>;
    if (selection.isEmpty()) {
        return Answer::failure(QStringLiteral("No image is selected."));
    }

    QVector<float> mean(data.embeddings.dimension, 0.f);
    for (qint64 id : selection) {
        const qint64 row = data.embeddings.rowOf(id);
        if (row < 0) {
            return Answer::failure(QStringLiteral("Image %1 has no embedding under model version "
                                                  "%2 (it is not an ok image of this project).")
                                       .arg(id).arg(data.version));
        }
        const float *values = data.embeddings.row(row);
        for (int i = 0; i < mean.size(); ++i) {
            mean[i] += values[i];
        }
    }
    if (!normalise(mean)) {
        return Answer::failure(QStringLiteral("The selected images cancel each other out; their "
                                              "mean has no direction to search in."));
    }
    return mean;
}

QVector<NeighbourInfo> describeNeighbours(const Project &project,
                                          const QVector<Neighbour> &neighbours,
                                          const QVector<qint64> &query)
{
    const QSet<qint64> judged = judgedWith(project, query);
    QVector<NeighbourInfo> described;
    described.reserve(neighbours.size());
    for (const Neighbour &neighbour : neighbours) {
        described.append({neighbour.id, neighbour.similarity, project.labelsOfImage(neighbour.id),
                          judged.contains(neighbour.id)});
    }
    return described;
}

Result<QVector<NeighbourInfo>> nearestNeighbours(const Project &project, const VersionData &data,
                                                 const QVector<qint64> &selection, int k)
{
    using Answer = Result<QVector<NeighbourInfo>>;
    if (k < 1) {
        return Answer::failure(QStringLiteral("k must be at least 1."));
    }
    const auto query = selectionQuery(data, selection);
    if (!query) {
        return Answer::failure(query.error());
    }

    // Asking for the selection's size more leaves k after the selection is taken out.
    const auto found = data.index.search(query->constData(), k + int(selection.size()));
    if (!found) {
        return Answer::failure(found.error());
    }
    const QSet<qint64> selected(selection.cbegin(), selection.cend());
    QVector<Neighbour> kept;
    for (const Neighbour &neighbour : *found) {
        if (!selected.contains(neighbour.id) && kept.size() < k) {
            kept.append(neighbour);
        }
    }
    return describeNeighbours(project, kept, selection);
}

Result<QVector<Neighbour>> sortBySimilarity(const VersionData &data,
                                            const QVector<qint64> &selection, qint64 offset,
                                            qint64 limit)
{
    using Answer = Result<QVector<Neighbour>>;
    if (offset < 0 || limit < 1) {
        return Answer::failure(QStringLiteral("A page needs an offset of at least 0 and a limit "
                                              "of at least 1."));
    }
    const auto query = selectionQuery(data, selection);
    if (!query) {
        return Answer::failure(query.error());
    }
    const qint64 end = std::min(offset + limit, data.index.size());
    if (offset >= end) {
        return QVector<Neighbour>();
    }

    const auto found = data.index.search(query->constData(), int(end));
    if (!found) {
        return Answer::failure(found.error());
    }
    return found->mid(std::min<qsizetype>(offset, found->size()), limit);
}

Result<QVector<Neighbour>> neighboursOfFile(const Project &project, const VersionData &data,
                                            const QString &file, int k)
{
    using Answer = Result<QVector<Neighbour>>;
    const DecodedImage decoded = decodeImageFile(file);
    if (!decoded.ok) {
        return Answer::failure(QStringLiteral("%1 cannot be used (%2): %3")
                                   .arg(file, decoded.status, decoded.error));
    }

    auto vector = embedModelInput(project, data.version, decoded.modelInput);
    if (!vector) {
        return Answer::failure(vector.error());
    }
    if (vector->size() != data.index.dimension() && data.index.size() > 0) {
        return Answer::failure(QStringLiteral("The picture's embedding has %1 values; the index "
                                              "of model version %2 holds %3.")
                                   .arg(vector->size()).arg(data.version)
                                   .arg(data.index.dimension()));
    }
    if (!normalise(*vector)) {
        return Answer::failure(QStringLiteral("The picture's embedding is zero or not finite."));
    }
    return data.index.search(vector->constData(), k);
}

Result<NeighbourhoodComparison> compareNeighbourhoods(const VersionData &first,
                                                      const VersionData &second, qint64 imageId,
                                                      int k)
{
    using Answer = Result<NeighbourhoodComparison>;
    NeighbourhoodComparison comparison;
    auto before = neighboursOfImage(first, imageId, k);
    if (!before) {
        return Answer::failure(before.error());
    }
    auto after = neighboursOfImage(second, imageId, k);
    if (!after) {
        return Answer::failure(after.error());
    }

    comparison.before = std::move(*before);
    comparison.after = std::move(*after);
    const QSet<qint64> beforeIds = idSet(comparison.before);
    const QSet<qint64> afterIds = idSet(comparison.after);
    for (const Neighbour &neighbour : comparison.after) {
        if (!beforeIds.contains(neighbour.id)) {
            comparison.entered.append(neighbour.id);
        }
    }
    for (const Neighbour &neighbour : comparison.before) {
        if (!afterIds.contains(neighbour.id)) {
            comparison.left.append(neighbour.id);
        }
    }
    comparison.jaccard = jaccard(beforeIds, afterIds);
    return comparison;
}

Result<NeighbourhoodChange> neighbourhoodChange(const VersionData &first,
                                                const VersionData &second, int k,
                                                int sampleSize, quint64 seed)
{
    using Answer = Result<NeighbourhoodChange>;
    if (k < 1 || sampleSize < 1) {
        return Answer::failure(QStringLiteral("k and the sample size must be at least 1."));
    }

    // Images embedded by both versions, sampled with a fixed seed so runs compare.
    QVector<qint64> common;
    for (qint64 id : first.embeddings.ids) {
        if (second.embeddings.rowOf(id) >= 0) {
            common.append(id);
        }
    }
    if (common.size() > sampleSize) {
        QRandomGenerator random(seed);
        std::shuffle(common.begin(), common.end(), random);
        common.resize(sampleSize);
        std::sort(common.begin(), common.end());
    }

    NeighbourhoodChange change;
    change.k = k;
    double sum = 0;
    for (qint64 id : common) {
        const auto comparison = compareNeighbourhoods(first, second, id, k);
        if (!comparison) {
            return Answer::failure(comparison.error());
        }
        sum += comparison->jaccard;
    }
    change.images = common.size();
    change.meanJaccard = common.isEmpty() ? 1 : sum / double(common.size());
    change.change = 1 - change.meanJaccard;
    return change;
}

Result<Judgment> neighbourFeedbackJudgment(qint64 queryId, const QVector<Neighbour> &shown,
                                           qint64 neighbourId, bool moreLikeThis,
                                           const QString &annotator, int modelVersion)
{
    using Answer = Result<Judgment>;
    const auto isNeighbour = [neighbourId](const Neighbour &n) { return n.id == neighbourId; };
    if (neighbourId == queryId || std::none_of(shown.cbegin(), shown.cend(), isNeighbour)) {
        return Answer::failure(QStringLiteral("Image %1 is not one of the neighbours shown for "
                                              "image %2.").arg(neighbourId).arg(queryId));
    }

    // The comparison image: the far end of the list for "more like this", the near end for
    // "not like this", so the judgment states what the person saw.
    QVector<Neighbour> others;
    for (const Neighbour &neighbour : shown) {
        if (neighbour.id != neighbourId && neighbour.id != queryId) {
            others.append(neighbour);
        }
    }
    if (others.isEmpty()) {
        return Answer::failure(QStringLiteral("A judgment needs one more neighbour on screen to "
                                              "compare with."));
    }

    Judgment judgment;
    judgment.anchorId = queryId;
    judgment.firstId = neighbourId;
    judgment.secondId = moreLikeThis ? others.last().id : others.first().id;
    judgment.choice = moreLikeThis ? Choice::First : Choice::Second;
    judgment.sampler = moreLikeThis ? MoreLikeThisSampler : NotLikeThisSampler;
    judgment.annotator = annotator;
    judgment.modelVersion = modelVersion;
    return judgment;
}

} // namespace likeness
