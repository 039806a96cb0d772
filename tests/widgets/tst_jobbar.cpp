#include "jobbar.h"

#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace likeness;

class tst_JobBar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jobDeliversResultOnGuiThread();
    void cancelStopsJob();
    void secondJobIsRefusedWhileRunning();
};

void tst_JobBar::jobDeliversResultOnGuiThread()
{
    JobBar bar;
    QSignalSpy running(&bar, &JobBar::runningChanged);
    std::optional<Result<int>> outcome;
    QThread *doneThread = nullptr;

    const bool started = bar.start<int>(
        QStringLiteral("Counting"),
        [](JobControl &control) {
            for (int i = 1; i <= 5; ++i) {
                control.setProgress(i, 5, QStringLiteral("step"));
            }
            return Result<int>(42);
        },
        [&](Result<int> result) {
            outcome = result;
            doneThread = QThread::currentThread();
        });
    QVERIFY(started);
    QVERIFY(bar.isRunning());

    QTRY_VERIFY(outcome.has_value());
    QVERIFY(outcome->ok());
    QCOMPARE(outcome->value(), 42);
    QCOMPARE(doneThread, QThread::currentThread());
    QVERIFY(!bar.isRunning());
    QVERIFY(!bar.wasCanceled());
    QCOMPARE(running.count(), 2);
}

void tst_JobBar::cancelStopsJob()
{
    JobBar bar;
    std::optional<Result<int>> outcome;
    std::atomic_bool looping = false;

    bar.start<int>(
        QStringLiteral("Waiting"),
        [&looping](JobControl &control) {
            looping = true;
            while (!control.isCanceled()) {
                QThread::msleep(5);
            }
            return Result<int>::failure(QStringLiteral("stopped"));
        },
        [&](Result<int> result) { outcome = result; });
    QTRY_VERIFY(looping);

    bar.cancel();
    QTRY_VERIFY(outcome.has_value());
    QVERIFY(!outcome->ok());
    QVERIFY(bar.wasCanceled());
    QVERIFY(!bar.isRunning());
}

void tst_JobBar::secondJobIsRefusedWhileRunning()
{
    JobBar bar;
    std::atomic_bool release = false;
    bool firstDone = false;

    QVERIFY(bar.start<int>(
        QStringLiteral("First"),
        [&release](JobControl &) {
            while (!release) {
                QThread::msleep(5);
            }
            return Result<int>(1);
        },
        [&](Result<int>) { firstDone = true; }));
    QVERIFY(!bar.start<int>(
        QStringLiteral("Second"), [](JobControl &) { return Result<int>(2); }, {}));

    release = true;
    QTRY_VERIFY(firstDone);
    QVERIFY(bar.start<int>(
        QStringLiteral("Third"), [](JobControl &) { return Result<int>(3); }, {}));
    bar.waitForFinished();
}

QTEST_MAIN(tst_JobBar)
#include "tst_jobbar.moc"
