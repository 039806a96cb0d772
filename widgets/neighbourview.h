#pragma once

#include "index/vectorindex.h"
#include "store/project.h"
#include "thumbnailcache.h"

#include <QWidget>

#include <memory>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QSpinBox;

namespace likeness {

class Project;
struct VersionData;

// The nearest neighbours of one image under the loaded model version: a grid of thumbnails,
// most similar first, each captioned with its cosine similarity. Searches run on the GUI
// thread through neighboursOfImage() on an immutable, shared VersionData (exact search over
// a few hundred thousand vectors takes milliseconds). Neighbours already judged together
// with the image are marked with a dot; the tooltip lists a neighbour's labels.
// Double-clicking a neighbour emits imageActivated(); "More like this" / "Not like this" on
// the selected neighbour emits neighbourJudged() with a triplet judgment (see
// neighbourFeedbackJudgment() in ml/neighbours.h) for the receiver to store.
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
    // The annotator is left empty: the receiver knows who is working.
    void neighbourJudged(const likeness::Judgment &judgment);

private:
    void refresh();
    void showMessage(const QString &text);
    void judgeSelected(bool moreLikeThis);

    const Project *m_project = nullptr;
    std::shared_ptr<const VersionData> m_data;
    qint64 m_imageId = 0;
    ThumbnailCache m_thumbnails;

    QLabel *m_header = nullptr;
    QSpinBox *m_count = nullptr;
    QListWidget *m_list = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_moreLike = nullptr;
    QPushButton *m_notLike = nullptr;
    QVector<Neighbour> m_shown; // what m_list shows, most similar first
};

} // namespace likeness
