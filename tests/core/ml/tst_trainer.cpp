#include "io/importer.h"
#include "ml/evaluation.h"
#include "ml/modelversion.h"
#include "ml/trainer.h"
#include "store/project.h"

#include <QDir>
#include <QImage>
#include <QPainter>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace likeness;

class tst_Trainer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void trainingLowersTheLossAndGoesLive();
    void judgmentsAloneCanTrain();
    void worseVersionDoesNotGoLive();
    void cancelKeepsTheCurrentVersion();
    void nothingToLearnFrom();
    void unknownDeviceIsRefused();

private:
    std::unique_ptr<Project> freshProject(QTemporaryDir &dir);
    static bool labelStripes(Project &project);

    QTemporaryDir m_images;
};

// Two kinds of picture in random colours: horizontal stripes and vertical stripes.
void tst_Trainer::initTestCase()
{
    QRandomGenerator random(3);
    for (int i = 0; i < 96; ++i) {
        QImage image(32, 32, QImage::Format_RGB32);
        image.fill(QColor::fromHsv(random.bounded(360), 80, 230));
        QPainter painter(&image);
        const QColor ink = QColor::fromHsv(random.bounded(360), 255, 90);
        const int offset = random.bounded(4);
        for (int line = offset; line < 32; line += 8) {
            if (i % 2 == 0) {
                painter.fillRect(0, line, 32, 4, ink);
            } else {
                painter.fillRect(line, 0, 4, 32, ink);
            }
        }
        painter.end();
        QVERIFY(image.save(m_images.filePath(QStringLiteral("%1.png").arg(i))));
    }
}

std::unique_ptr<Project> tst_Trainer::freshProject(QTemporaryDir &dir)
{
    auto project = Project::create(dir.path());
    JobControl control;
    importImages(**project, {m_images.path()}, control);
    return std::move(*project);
}

// Even file numbers hold horizontal stripes, odd ones vertical stripes.
bool tst_Trainer::labelStripes(Project &project)
{
    QVector<qint64> horizontal;
    QVector<qint64> vertical;
    for (qint64 id : project.imageIds()) {
        const int number = QFileInfo(project.image(id)->path).baseName().toInt();
        (number % 2 == 0 ? horizontal : vertical).append(id);
    }
    return project.addLabel(horizontal, QStringLiteral("horizontal"), LabelSource::Human, {})
           && project.addLabel(vertical, QStringLiteral("vertical"), LabelSource::Human, {});
}

void tst_Trainer::trainingLowersTheLossAndGoesLive()
{
    QTemporaryDir dir;
    auto project = freshProject(dir);
    QVERIFY(labelStripes(*project));

    TrainSettings settings;
    settings.epochs = 8;
    settings.batchSize = 32;
    settings.device = QStringLiteral("cpu");
    qint64 lastDone = 0;
    qint64 lastTotal = 0;
    JobControl control([&](qint64 done, qint64 total, const QString &) {
        lastDone = done;
        lastTotal = total;
    });
    const auto report = trainModelVersion(*project, settings, control);
    QVERIFY2(report, qPrintable(report.error()));

    QCOMPARE(report->lossPerEpoch.size(), 8);
    QVERIFY2(report->lossPerEpoch.last() < report->lossPerEpoch.first(),
             qPrintable(QStringLiteral("%1 -> %2").arg(report->lossPerEpoch.first())
                            .arg(report->lossPerEpoch.last())));
    QCOMPARE(report->device, QStringLiteral("cpu"));
    QVERIFY(!report->multiLabel);
    QVERIFY(lastTotal > 0 && lastDone == lastTotal);

    // The new version is current, its files exist, and its embeddings tell stripes apart.
    QCOMPARE(project->currentModelVersion(), report->version);
    QCOMPARE(project->modelVersion(report->version)->status, QStringLiteral("ready"));
    QVERIFY(QFile::exists(modelFolder(*project, report->version) + "/weights.pt"));
    JobControl quiet;
    const auto data = loadVersionData(*project, report->version, quiet);
    QVERIFY2(data, qPrintable(data.error()));
    QCOMPARE((*data)->embeddings.rows(), 96);
    QVERIFY(report->metrics.knnAccuracy);
    QVERIFY2(*report->metrics.knnAccuracy >= 0.9,
             qPrintable(QString::number(*report->metrics.knnAccuracy)));
}

void tst_Trainer::judgmentsAloneCanTrain()
{
    QTemporaryDir dir;
    auto project = freshProject(dir);
    const QVector<qint64> ids = project->imageIds();
    for (int i = 0; i + 2 < 60; i += 3) {
        // Ids follow file names sorted as text, so parity of the number decides the kind.
        Judgment judgment{0, ids[i], ids[i + 1], ids[i + 2], Choice::First,
                          QStringLiteral("test"), QStringLiteral("random"), 0, 100, {}};
        QVERIFY(project->addJudgment(judgment));
    }

    TrainSettings settings;
    settings.epochs = 2;
    settings.device = QStringLiteral("cpu");
    settings.liveEvenIfWorse = true;
    JobControl control;
    const auto report = trainModelVersion(*project, settings, control);
    QVERIFY2(report, qPrintable(report.error()));
    QVERIFY(report->live);
    QVERIFY(report->trainingJudgments > 0);
    QCOMPARE(report->trainingImages, 0);
    QCOMPARE(project->currentModelVersion(), report->version);
}

// An untrained network (a learning rate of almost nothing) ranks the stripes worse than the
// classic descriptor, whose gradient histogram separates them: it must not replace it.
void tst_Trainer::worseVersionDoesNotGoLive()
{
    QTemporaryDir dir;
    auto project = freshProject(dir);
    QVERIFY(labelStripes(*project));

    TrainSettings settings;
    settings.epochs = 1;
    settings.learningRate = 1e-12;
    settings.device = QStringLiteral("cpu");
    JobControl control;
    const auto report = trainModelVersion(*project, settings, control);
    QVERIFY2(report, qPrintable(report.error()));
    QCOMPARE(report->previousVersion, 0);
    QVERIFY(report->metrics.mapAtR && report->previousMetrics.mapAtR);
    QVERIFY2(*report->metrics.mapAtR < *report->previousMetrics.mapAtR,
             qPrintable(QStringLiteral("%1 vs %2").arg(*report->metrics.mapAtR)
                            .arg(*report->previousMetrics.mapAtR)));
    QVERIFY(!report->live);
    QCOMPARE(project->currentModelVersion(), 0);
    QCOMPARE(project->modelVersion(report->version)->status, QStringLiteral("ready"));
}

void tst_Trainer::cancelKeepsTheCurrentVersion()
{
    QTemporaryDir dir;
    auto project = freshProject(dir);
    QVERIFY(project->addLabel(project->imageIds().mid(0, 10), QStringLiteral("x"),
                              LabelSource::Human, {}));
    QVERIFY(project->addLabel(project->imageIds().mid(10, 10), QStringLiteral("y"),
                              LabelSource::Human, {}));

    JobControl control;
    control.cancel();
    TrainSettings settings;
    settings.device = QStringLiteral("cpu");
    const auto report = trainModelVersion(*project, settings, control);
    QVERIFY(!report);
    QVERIFY(report.error().contains(QStringLiteral("cancelled")));
    QCOMPARE(project->currentModelVersion(), 0);
    QCOMPARE(project->modelVersion(1)->status, QStringLiteral("failed"));
}

void tst_Trainer::nothingToLearnFrom()
{
    QTemporaryDir dir;
    auto project = freshProject(dir);
    JobControl control;
    const auto report = trainModelVersion(*project, TrainSettings(), control);
    QVERIFY(!report);
    QVERIFY(report.error().contains(QStringLiteral("Nothing to learn from")));
    QCOMPARE(project->modelVersions().size(), 1);
}

void tst_Trainer::unknownDeviceIsRefused()
{
    QVERIFY(!resolveDevice(QStringLiteral("tpu")));
    QCOMPARE(*resolveDevice(QStringLiteral("cpu")), QStringLiteral("cpu"));
    const auto automatic = resolveDevice(QStringLiteral("auto"));
    QVERIFY(automatic);
    const auto cuda = resolveDevice(QStringLiteral("cuda"));
    QCOMPARE(bool(cuda), *automatic == QStringLiteral("cuda"));
}

QTEST_GUILESS_MAIN(tst_Trainer)
#include "tst_trainer.moc"
