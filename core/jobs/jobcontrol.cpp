#include "jobcontrol.h"

namespace likeness {

void JobControl::setProgress(qint64 done, qint64 total, const QString &text)
{
    if (!m_sink) {
        return;
    }

    const bool last = done >= total;
    if (m_sinceReport.isValid() && m_sinceReport.elapsed() < 100 && !last) {
        return;
    }
    m_sinceReport.start();
    m_sink(done, total, text);
}

} // namespace likeness
