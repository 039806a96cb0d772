#include "evaluation.h"

#include "index/vectorindex.h"
#include "ml/embeddings.h"
#include "store/project.h"

#include <QHash>
#include <QJsonValue>
#include <QSet>

#include <algorithm>
#include <limits>

namespace likeness {

namespace {

// A fixed mix of the id's bits, so that held-out membership is stable and spread evenly.
quint64 mixId(quint64 id, quint64 salt)
{
    quint64 x = id ^ salt;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

constexpr int VoteNeighbours = 10;
// Held-out queries per evaluation; more are sampled evenly.
// TODO(#7): evaluate on a fixed sample at the scale of millions of images.
constexpr qsizetype MaxQueries = 4000;

QJsonValue optionalJson(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

std::optional<double> optionalFromJson(const QJsonValue &value)
{
    return value.isDouble() ? std::optional<double>(value.toDouble()) : std::nullopt;
}

} // namespace

bool isHeldOutImage(qint64 imageId)
{
    return mixId(quint64(imageId), 0x5151) % 5 == 0;
}

bool isHeldOutJudgment(qint64 judgmentId)
{
    return mixId(quint64(judgmentId), 0x7a7a) % 5 == 0;
}

QJsonObject Metrics::toJson() const
{
    return {{QStringLiteral("knn_accuracy"), optionalJson(knnAccuracy)},
            {QStringLiteral("map_at_r"), optionalJson(mapAtR)},
            {QStringLiteral("triplet_agreement"), optionalJson(tripletAgreement)},
            {QStringLiteral("held_out_images"), heldOutImages},
            {QStringLiteral("held_out_judgments"), heldOutJudgments}};
}

Metrics Metrics::fromJson(const QJsonObject &json)
{
    Metrics metrics;
    metrics.knnAccuracy = optionalFromJson(json.value(QStringLiteral("knn_accuracy")));
    metrics.mapAtR = optionalFromJson(json.value(QStringLiteral("map_at_r")));
    metrics.tripletAgreement = optionalFromJson(json.value(QStringLiteral("triplet_agreement")));
    metrics.heldOutImages = json.value(QStringLiteral("held_out_images")).toInteger();
    metrics.heldOutJudgments = json.value(QStringLiteral("held_out_judgments")).toInteger();
    return metrics;
}

double averagePrecisionAtR(const QVector<bool> &ranked, qint64 relevantCount)
{
    if (relevantCount <= 0) {
        return 0;
    }
    double sum = 0;
    qint64 hits = 0;
    for (qsizetype i = 0; i < std::min<qsizetype>(ranked.size(), relevantCount); ++i) {
        if (ranked[i]) {
            ++hits;
            sum += double(hits) / double(i + 1);
        }
    }
    return sum / double(relevantCount);
}

Metrics evaluateEmbeddings(const Project &project, const EmbeddingMatrix &embeddings)
{
    Metrics metrics;

    // Labels of every image that has a row, as sets of label ids.
    QHash<qint64, QSet<qint64>> labelsOf;
    for (const auto &[imageId, labelId] : project.labelAssignments()) {
        if (embeddings.rowOf(imageId) >= 0) {
            labelsOf[imageId].insert(labelId);
        }
    }

    // Training side: labelled images outside the held-out part.
    EmbeddingMatrix training;
    training.version = embeddings.version;
    training.dimension = embeddings.dimension;
    QHash<qint64, qint64> trainingCountOfLabel;
    QVector<qint64> queries;
    for (qint64 row = 0; row < embeddings.rows(); ++row) {
        const qint64 id = embeddings.ids[row];
        const auto labels = labelsOf.constFind(id);
        if (labels == labelsOf.cend()) {
            continue;
        }
        if (isHeldOutImage(id)) {
            queries.append(id);
            continue;
        }
        training.ids.append(id);
        training.values.insert(training.values.end(), embeddings.row(row),
                               embeddings.row(row) + embeddings.dimension);
        for (qint64 label : *labels) {
            ++trainingCountOfLabel[label];
        }
    }
    if (queries.size() > MaxQueries) {
        QVector<qint64> sampled;
        for (qsizetype i = 0; i < MaxQueries; ++i) {
            sampled.append(queries[i * queries.size() / MaxQueries]);
        }
        queries = sampled;
    }

    // Metrics must not depend on an approximate index's recall.
    IndexOptions exact;
    exact.approximateThreshold = std::numeric_limits<qint64>::max();
    const auto index = VectorIndex::build(training, exact);
    if (index && !queries.isEmpty() && training.rows() > 0) {
        // R for a query: the training images that share at least one label with it.
        auto relevantCount = [&](const QSet<qint64> &labels) -> qint64 {
            if (labels.size() == 1) {
                return trainingCountOfLabel.value(*labels.cbegin());
            }
            qint64 count = 0;
            for (qint64 id : std::as_const(training.ids)) {
                count += labelsOf.value(id).intersects(labels) ? 1 : 0;
            }
            return count;
        };

        double correct = 0;
        double mapSum = 0;
        for (qint64 query : std::as_const(queries)) {
            const QSet<qint64> &labels = labelsOf[query];
            const qint64 r = relevantCount(labels);
            const int k = int(std::max<qint64>(VoteNeighbours, r));
            const auto found = index->search(embeddings.row(embeddings.rowOf(query)), k);
            if (!found) {
                continue;
            }

            QHash<qint64, int> votes;
            qint64 best = -1;
            QVector<bool> ranked;
            for (qsizetype i = 0; i < found->size(); ++i) {
                const QSet<qint64> &theirs = labelsOf[found->at(i).id];
                ranked.append(theirs.intersects(labels));
                if (i >= VoteNeighbours) {
                    continue;
                }
                for (qint64 label : theirs) {
                    const int count = ++votes[label];
                    if (best < 0 || count > votes.value(best)) {
                        best = label;
                    }
                }
            }
            correct += labels.contains(best) ? 1 : 0;
            mapSum += averagePrecisionAtR(ranked, r);
        }
        metrics.heldOutImages = queries.size();
        metrics.knnAccuracy = correct / double(queries.size());
        metrics.mapAtR = mapSum / double(queries.size());
    }

    // Agreement with held-out judgments that name a more similar candidate.
    double agreement = 0;
    qint64 judged = 0;
    for (const Judgment &judgment : project.judgments()) {
        if (!isHeldOutJudgment(judgment.id)
            || (judgment.choice != Choice::First && judgment.choice != Choice::Second)) {
            continue;
        }
        const qint64 anchor = embeddings.rowOf(judgment.anchorId);
        const qint64 first = embeddings.rowOf(judgment.firstId);
        const qint64 second = embeddings.rowOf(judgment.secondId);
        if (anchor < 0 || first < 0 || second < 0) {
            continue;
        }
        auto similarity = [&](qint64 a, qint64 b) {
            double dot = 0;
            for (int i = 0; i < embeddings.dimension; ++i) {
                dot += double(embeddings.row(a)[i]) * embeddings.row(b)[i];
            }
            return dot;
        };
        const double toFirst = similarity(anchor, first);
        const double toSecond = similarity(anchor, second);
        const double chosen = judgment.choice == Choice::First ? toFirst : toSecond;
        const double other = judgment.choice == Choice::First ? toSecond : toFirst;
        agreement += chosen > other ? 1.0 : (chosen == other ? 0.5 : 0.0);
        ++judged;
    }
    metrics.heldOutJudgments = judged;
    if (judged > 0) {
        metrics.tripletAgreement = agreement / double(judged);
    }
    return metrics;
}

void recordVersionMetrics(Project &project, int version, const Metrics &metrics)
{
    const auto record = project.modelVersion(version);
    if (project.isReadOnly() || !record || record->status != QStringLiteral("ready")) {
        return;
    }
    QJsonObject merged = record->metrics;
    const QJsonObject measured = metrics.toJson();
    for (auto it = measured.constBegin(); it != measured.constEnd(); ++it) {
        merged.insert(it.key(), it.value());
    }
    if (merged != record->metrics) {
        project.updateModelVersion(version, record->status, merged);
    }
}

} // namespace likeness
