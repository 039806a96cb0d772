#pragma once

#include <QJsonObject>
#include <QVector>

#include <optional>

namespace likeness {

class Project;
struct EmbeddingMatrix;

// The fixed held-out part of a project: about one image in five and one judgment in five,
// chosen from their ids alone, so every model version is measured on the same part.
bool isHeldOutImage(qint64 imageId);
bool isHeldOutJudgment(qint64 judgmentId);

struct Metrics
{
    // Share of held-out labelled images whose neighbour vote (k = 10 training images)
    // names one of their labels.
    std::optional<double> knnAccuracy;
    // Mean over held-out labelled images of MAP@R against the training images, where an
    // image is relevant when it shares a label with the query.
    std::optional<double> mapAtR;
    // Share of held-out judgments ("first" or "second") the embedding agrees with.
    std::optional<double> tripletAgreement;
    qint64 heldOutImages = 0;
    qint64 heldOutJudgments = 0;

    QJsonObject toJson() const;
    static Metrics fromJson(const QJsonObject &json);
};

// Evaluates the embeddings on the project's held-out part. Undefined metrics stay empty.
Metrics evaluateEmbeddings(const Project &project, const EmbeddingMatrix &embeddings);

// Keeps the latest measurement of a ready version with it (its metrics JSON), so that `info`
// and the window show it; does nothing on a read-only project.
void recordVersionMetrics(Project &project, int version, const Metrics &metrics);

// The pure computations behind evaluateEmbeddings(), exposed for tests.
// ranked: relevance of the retrieved items in rank order; relevantCount: R.
double averagePrecisionAtR(const QVector<bool> &ranked, qint64 relevantCount);

} // namespace likeness
