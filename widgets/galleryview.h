#pragma once

#include <QListView>
#include <QVector>

namespace likeness {

// A grid of thumbnails over a GalleryModel: icon mode with uniform item sizes and batched
// layout, so that projects with 100k+ images scroll without laying out every item up front.
// Draws emptyText() in the middle of the viewport when the model has no rows.
class GalleryView : public QListView
{
    Q_OBJECT

public:
    explicit GalleryView(QWidget *parent = nullptr);

    QString emptyText() const { return m_emptyText; }
    void setEmptyText(const QString &text);

    // Ids of the selected images in row order, and of the current image (0: none).
    QVector<qint64> selectedImageIds() const;
    qint64 currentImageId() const;
    void selectImage(qint64 imageId);

Q_SIGNALS:
    void selectedImagesChanged(const QVector<qint64> &imageIds);
    void currentImageChanged(qint64 imageId);

protected:
    void paintEvent(QPaintEvent *event) override;
    void selectionChanged(const QItemSelection &selected,
                          const QItemSelection &deselected) override;
    void currentChanged(const QModelIndex &current, const QModelIndex &previous) override;

private:
    QString m_emptyText;
};

} // namespace likeness
