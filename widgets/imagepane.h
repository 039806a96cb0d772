#pragma once

#include <QPixmap>
#include <QWidget>

namespace likeness {

// One picture scaled to fit the widget (aspect kept), a caption underneath, and an optional
// hint shown when there is no picture. Clicking it emits clicked().
class ImagePane : public QWidget
{
    Q_OBJECT

public:
    explicit ImagePane(QWidget *parent = nullptr);

    void setPixmap(const QPixmap &pixmap);
    void setCaption(const QString &caption);
    void setPlaceholder(const QString &text);
    void setHighlighted(bool highlighted);

    QSize sizeHint() const override { return {280, 300}; }
    QSize minimumSizeHint() const override { return {120, 140}; }

Q_SIGNALS:
    void clicked();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    QPixmap m_pixmap;
    QString m_caption;
    QString m_placeholder;
    bool m_highlighted = false;
};

} // namespace likeness
