#include "imagepane.h"

#include <QMouseEvent>
#include <QPainter>

namespace likeness {

ImagePane::ImagePane(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setCursor(Qt::PointingHandCursor);
}

void ImagePane::setPixmap(const QPixmap &pixmap)
{
    m_pixmap = pixmap;
    update();
}

void ImagePane::setCaption(const QString &caption)
{
    m_caption = caption;
    update();
}

void ImagePane::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    update();
}

void ImagePane::setHighlighted(bool highlighted)
{
    m_highlighted = highlighted;
    update();
}

void ImagePane::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);

    // The frame hugs the picture, so square and wide pictures both look framed, not boxed.
    const int captionHeight = fontMetrics().height() + 8;
    const QRect area = rect().adjusted(10, 10, -10, -10 - captionHeight);
    QRect frame = area;
    if (!m_pixmap.isNull() && area.isValid()) {
        frame.setSize(m_pixmap.size().scaled(area.size(), Qt::KeepAspectRatio));
        frame.moveCenter(area.center());
    }

    const QColor accent = palette().color(QPalette::Highlight);
    painter.setPen(QPen(m_highlighted ? accent : palette().color(QPalette::Mid),
                        m_highlighted ? 3 : 1));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRoundedRect(frame.adjusted(-6, -6, 6, 6), 6, 6);
    if (!m_pixmap.isNull()) {
        painter.drawPixmap(frame, m_pixmap);
    } else if (!m_placeholder.isEmpty()) {
        painter.setPen(palette().color(QPalette::Disabled, QPalette::Text));
        painter.drawText(frame, Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    }

    const QRect captionRect(0, frame.bottom() + 10, width(), captionHeight);
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(palette().color(QPalette::WindowText));
    painter.drawText(captionRect, Qt::AlignCenter,
                     painter.fontMetrics().elidedText(m_caption, Qt::ElideMiddle, width()));
}

void ImagePane::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint())) {
        Q_EMIT clicked();
    }
    QWidget::mouseReleaseEvent(event);
}

} // namespace likeness
