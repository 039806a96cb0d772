#pragma once

#include "sampling/tripletsampler.h"
#include "store/project.h"
#include "thumbnailcache.h"

#include <QElapsedTimer>
#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QPushButton;
class QUndoStack;

namespace likeness {

class ImagePane;
struct VersionData;

// Asks the annotator the triplet question: which candidate is more similar to the anchor?
//
// The candidates sit left and right of the anchor. Keys (the rater must have focus) and the
// buttons give the answer: 1 or Left "first", 2 or Right "second", T or 0 "can't tell" (a
// tie), S skip, Ctrl+Z or Backspace undo, Ctrl+Shift+Z redo. Clicking a candidate picks it.
//
// Every answer is stored at once with Project::addJudgment, together with the response time
// in milliseconds since the triplet was shown, the sampler that proposed it, the annotator
// and the model version current when it was shown; then the next proposal appears. Undo
// removes the judgment from the project and shows that triplet again; redo restores the
// judgment with its id. Proposals come from a TripletSampler built on first use, so the
// rater costs nothing until it is shown a project.
class TripletRater : public QWidget
{
    Q_OBJECT

public:
    explicit TripletRater(QWidget *parent = nullptr);
    ~TripletRater() override;

    // project is the GUI thread's connection and must outlive the rater or be replaced first;
    // null clears it. Clears the undo history.
    void setProject(Project *project);
    Project *project() const { return m_project; }
    // Data of the current model version, for neighbour-based proposals (null: none).
    void setVersionData(std::shared_ptr<const VersionData> data);
    // Makes the next proposal read the project's images and labels again.
    void invalidateSampler();
    // Asks only about anchors among these images (e.g. a lasso selection on the map) from
    // the next triplet on; empty: anchors from every image again.
    void setAnchorImages(const QVector<qint64> &imageIds);
    QVector<qint64> anchorImages() const { return m_anchorImages; }

    QString annotator() const { return m_annotator; }
    void setAnnotator(const QString &name);

    std::optional<TripletProposal> currentTriplet() const { return m_triplet; }
    QUndoStack *undoStack() const { return m_undoStack; }
    qint64 sessionCount() const { return m_sessionCount; }

public Q_SLOTS:
    void chooseFirst() { answer(Choice::First); }
    void chooseSecond() { answer(Choice::Second); }
    void chooseTie() { answer(Choice::Tie); }
    void skip() { answer(Choice::Skip); }
    // Stores a judgment made elsewhere (the neighbour view's "more / not like this") like an
    // answer given here: with this rater's annotator when it has none, undoable on the stack.
    bool storeJudgment(likeness::Judgment judgment);
    void undo();
    void redo();
    void nextTriplet();

Q_SIGNALS:
    // Emitted after each stored, removed or restored judgment.
    void judgmentsChanged(qint64 projectCount);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    friend class JudgmentCommand;

    void answer(Choice choice);
    void removeJudgment(const Judgment &judgment); // undo of one answer
    bool restoreJudgment(const Judgment &judgment); // redo of one answer
    void showTriplet(const TripletProposal &triplet);
    void showEmpty(const QString &text);
    void loadFullImages();
    void updateCounts();
    void showError(const QString &text);

    Project *m_project = nullptr;
    std::shared_ptr<const VersionData> m_data;
    std::unique_ptr<TripletSampler> m_sampler; // null until needed or after invalidation
    QVector<qint64> m_anchorImages; // anchors only from these; empty: from every image
    QString m_annotator;

    std::optional<TripletProposal> m_triplet;
    int m_shownVersion = 0;   // model version current when m_triplet was shown
    QElapsedTimer m_shownAt;  // response time
    quint64 m_loadSerial = 0; // tells the full-size images of m_triplet from older loads
    qint64 m_sessionCount = 0;

    ThumbnailCache m_thumbnails;
    QUndoStack *m_undoStack = nullptr;
    ImagePane *m_anchor = nullptr;
    ImagePane *m_first = nullptr;
    ImagePane *m_second = nullptr;
    QPushButton *m_firstButton = nullptr;
    QPushButton *m_tieButton = nullptr;
    QPushButton *m_skipButton = nullptr;
    QPushButton *m_secondButton = nullptr;
    QPushButton *m_undoButton = nullptr;
    QLabel *m_counts = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace likeness
