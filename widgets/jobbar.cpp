#include "jobbar.h"

#include "guilogging.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

#include <algorithm>

namespace likeness {

JobBar::JobBar(QWidget *parent)
    : QWidget(parent)
    , m_text(new QLabel(this))
    , m_progress(new QProgressBar(this))
    , m_cancel(new QToolButton(this))
{
    m_progress->setMaximumWidth(220);
    m_progress->setTextVisible(true);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the running job; the project stays as it was before it"));
    connect(m_cancel, &QToolButton::clicked, this, &JobBar::cancel);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text);
    layout->addWidget(m_progress);
    layout->addWidget(m_cancel);
    setVisible(false);
}

JobBar::~JobBar()
{
    if (m_running) {
        m_future.cancel();
        m_future.waitForFinished();
    }
}

void JobBar::waitForFinished()
{
    m_future.waitForFinished();
}

void JobBar::cancel()
{
    if (!m_running || m_future.isCanceled()) {
        return;
    }

    qCInfo(lcGui) << "Cancelling job" << m_title;
    m_future.cancel();
    m_cancel->setEnabled(false);
    m_text->setText(tr("%1 — cancelling…").arg(m_title));
}

void JobBar::begin(const QString &title, const QFuture<void> &future)
{
    m_title = title;
    m_future = future;
    m_running = true;
    m_elapsed.start();
    qCInfo(lcGui) << "Job started:" << title;

    m_text->setText(title);
    m_progress->setRange(0, 0);
    m_cancel->setEnabled(true);
    setVisible(true);
    Q_EMIT runningChanged(true);
}

void JobBar::end()
{
    qCInfo(lcGui) << "Job ended:" << m_title << "after" << m_elapsed.elapsed() << "ms"
                  << (m_future.isCanceled() ? "(cancelled)" : "");
    m_running = false;
    setVisible(false);
    Q_EMIT runningChanged(false);
}

void JobBar::showProgress(quint64 serial, qint64 done, qint64 total, const QString &text)
{
    if (serial != m_serial || !m_running || m_future.isCanceled()) {
        return;
    }

    // QProgressBar takes ints; a per-mille scale keeps large step counts from overflowing.
    if (total > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(std::clamp<qint64>(done * 1000 / total, 0, 1000)));
    } else {
        m_progress->setRange(0, 0);
    }
    m_text->setText(text.isEmpty() ? m_title : tr("%1: %2").arg(m_title, text));
}

QString JobBar::canceledMessage()
{
    return tr("Cancelled");
}

} // namespace likeness
