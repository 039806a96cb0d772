#pragma once

#include "jobs/jobcontrol.h"
#include "result.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QFutureWatcher>
#include <QPromise>
#include <QWidget>
#include <QtConcurrent/QtConcurrentRun>

#include <functional>

class QLabel;
class QProgressBar;
class QToolButton;

namespace likeness {

// The one background job of a window: its title and progress, and a Cancel button. Hidden
// while no job runs.
//
// start() runs work on the global thread pool with QtConcurrent::run and a QPromise. The
// JobControl handed to work forwards each progress report to this bar through a queued
// invocation (so the bar is only touched on the GUI thread), and answers isCanceled() from
// the promise once the user pressed Cancel. done runs on the GUI thread with work's result,
// or with a failure when the job was cancelled before it produced one. Work must not touch
// GUI-thread objects; in particular it opens its own Project.
//
// The destructor cancels a running job and waits for it, so work may rely on the bar
// outliving it.
class JobBar : public QWidget
{
    Q_OBJECT

public:
    explicit JobBar(QWidget *parent = nullptr);
    ~JobBar() override;

    bool isRunning() const { return m_running; }
    QString title() const { return m_title; }
    // Whether the user cancelled the running job, or the last one when none runs.
    bool wasCanceled() const { return m_future.isCanceled(); }

    // Returns false (and runs nothing) while another job runs.
    template<typename T>
    bool start(const QString &title, std::function<Result<T>(JobControl &)> work,
               std::function<void(Result<T>)> done);

    // Blocks until the running job has returned (after cancel(), a job returns soon).
    void waitForFinished();

public Q_SLOTS:
    void cancel();

Q_SIGNALS:
    void runningChanged(bool running);

private:
    void begin(const QString &title, const QFuture<void> &future);
    void end();
    void showProgress(quint64 serial, qint64 done, qint64 total, const QString &text);
    static QString canceledMessage();

    QLabel *m_text = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancel = nullptr;

    QString m_title;
    QFuture<void> m_future;
    QElapsedTimer m_elapsed;
    quint64 m_serial = 0; // tells reports of the running job from late ones of an earlier job
    bool m_running = false;
};

template<typename T>
bool JobBar::start(const QString &title, std::function<Result<T>(JobControl &)> work,
                   std::function<void(Result<T>)> done)
{
    if (m_running || !work) {
        return false;
    }

    const quint64 serial = ++m_serial;
    auto run = [this, serial, work = std::move(work)](QPromise<Result<T>> &promise) {
        JobControl control([this, serial](qint64 doneSteps, qint64 total, const QString &text) {
            QMetaObject::invokeMethod(
                this, [=, this] { showProgress(serial, doneSteps, total, text); },
                Qt::QueuedConnection);
        });
        control.setCancelCheck([&promise] { return promise.isCanceled(); });
        promise.addResult(work(control));
    };
    QFuture<Result<T>> future = QtConcurrent::run(std::move(run));

    auto *watcher = new QFutureWatcher<Result<T>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, done = std::move(done)] {
        const QFuture<Result<T>> finished = watcher->future();
        watcher->deleteLater();
        end();

        // A cancelled promise drops the result work returned, so there may be none.
        const bool hasResult = finished.resultCount() > 0;
        if (done) {
            done(hasResult ? finished.result() : Result<T>::failure(canceledMessage()));
        }
    });
    watcher->setFuture(future);

    begin(title, QFuture<void>(future));
    return true;
}

} // namespace likeness
