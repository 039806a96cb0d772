#pragma once

#include "thumbnailcache.h"

#include <QWidget>

#include <memory>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QSpinBox;

namespace likeness {

class Project;
struct VersionData;

// The nearest neighbours of one image under the loaded model version: a grid of thumbnails,
// most similar first, each captioned with its cosine similarity. Searches run on the GUI
// thread through neighboursOfImage() on an immutable, shared VersionData (exact search over
// a few hundred thousand vectors takes milliseconds). Double-clicking a neighbour emits
// imageActivated().
class NeighbourView : public QWidget
{
    Q_OBJECT

public:
    explicit NeighbourView(QWidget *parent = nullptr);
    ~NeighbourView() override;

    // project is the GUI thread's connection (thumbnails, file names); null clears the view.
    void setProject(const Project *project);
    // The loaded model version (null: none loaded yet). Shows the neighbours again.
    void setVersionData(std::shared_ptr<const VersionData> data);
    void showNeighboursOf(qint64 imageId); // 0: none

    int neighbourCount() const;
    void setNeighbourCount(int k);

Q_SIGNALS:
    void imageActivated(qint64 imageId);

private:
    void refresh();
    void showMessage(const QString &text);

    const Project *m_project = nullptr;
    std::shared_ptr<const VersionData> m_data;
    qint64 m_imageId = 0;
    ThumbnailCache m_thumbnails;

    QLabel *m_header = nullptr;
    QSpinBox *m_count = nullptr;
    QListWidget *m_list = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace likeness
