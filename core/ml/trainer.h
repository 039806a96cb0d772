#pragma once

#include "jobs/jobcontrol.h"
#include "ml/evaluation.h"
#include "result.h"

#include <QJsonObject>
#include <QString>
#include <QVector>

namespace likeness {

class Project;

struct TrainSettings
{
    int epochs = 12;
    int batchSize = 128;
    double learningRate = 3e-3;
    int embeddingDimension = 64;
    double labelWeight = 1.0;     // cross-entropy (softmax) or per-label sigmoid loss
    double tripletWeight = 1.0;   // batch-hard triplets derived from labels
    double judgmentWeight = 1.0;  // triplet margin loss on human judgments
    double margin = 0.2;
    QString device = QStringLiteral("auto"); // auto, cpu or cuda
    int threads = 0;              // 0: every core
    quint64 seed = 1;
    bool liveEvenIfWorse = false; // make the new version current even when it scores worse

    QJsonObject toJson() const;
};

struct TrainReport
{
    int version = 0;
    QString device; // "cpu" or "cuda"
    double seconds = 0;
    qint64 trainingImages = 0;
    qint64 trainingJudgments = 0;
    bool multiLabel = false;
    QVector<double> lossPerEpoch;
    Metrics metrics;
    int previousVersion = 0;  // the version that was current when the run started
    Metrics previousMetrics;  // its scores on the same held-out part
    bool live = false;        // whether the new version became current
};

// Trains a new model version (a small CNN with a normalised embedding and a label head) on
// the project's labels and judgments outside the held-out part, then stores it, embeds every
// image and builds its index. It becomes current only when it scores at least as well as the
// current version on the held-out part (MAP@R where images are labelled, else agreement with
// judgments), or when settings.liveEvenIfWorse. The current version stays live until all of
// that has succeeded; a cancelled or failed run leaves the project as it was.
Result<TrainReport> trainModelVersion(Project &project, const TrainSettings &settings,
                                      JobControl &control);

// "cpu" or "cuda" for a requested device; fails when cuda is asked for and not available.
Result<QString> resolveDevice(const QString &requested);

} // namespace likeness
