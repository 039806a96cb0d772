#pragma once

#include <QElapsedTimer>
#include <QString>

#include <atomic>
#include <functional>

namespace likeness {

// What a long-running core operation sees of the job that runs it: a way to report progress
// and a way to learn that the user cancelled. Core code calls setProgress() as often as it
// likes; reports reach the observer at most ten times a second (and always for the last
// step). Thread-safe for one worker thread calling and any thread cancelling.
class JobControl
{
public:
    using ProgressSink = std::function<void(qint64 done, qint64 total, const QString &text)>;

    JobControl() = default;
    explicit JobControl(ProgressSink sink, std::function<bool()> cancelCheck = {})
        : m_sink(std::move(sink)), m_canceledCheck(std::move(cancelCheck))
    {}

    void setProgress(qint64 done, qint64 total, const QString &text = {});
    void cancel() { m_canceled = true; }
    bool isCanceled() const { return m_canceled || (m_canceledCheck && m_canceledCheck()); }

    // Lets a job runner (QPromise, a signal handler) answer isCanceled() as well.
    void setCancelCheck(std::function<bool()> check) { m_canceledCheck = std::move(check); }

private:
    ProgressSink m_sink;
    std::function<bool()> m_canceledCheck;
    std::atomic_bool m_canceled = false;
    QElapsedTimer m_sinceReport;
};

} // namespace likeness
