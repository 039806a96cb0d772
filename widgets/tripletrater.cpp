#include "tripletrater.h"

#include "guilogging.h"
#include "imagepane.h"
#include "ml/modelversion.h"

#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QImageReader>
#include <QKeyEvent>
#include <QLabel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace likeness {

namespace {

// Longest side the rater decodes image files to; panes rarely get larger than this.
constexpr int FullImageSide = 768;

QString choiceText(Choice choice)
{
    switch (choice) {
    case Choice::First:
        return TripletRater::tr("first");
    case Choice::Second:
        return TripletRater::tr("second");
    case Choice::Tie:
        return TripletRater::tr("can't tell");
    case Choice::Skip:
        return TripletRater::tr("skip");
    }
    return {};
}

QImage loadScaledImage(const QString &path, int maxSide)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (size.isValid() && qMax(size.width(), size.height()) > maxSide) {
        reader.setScaledSize(size.scaled(maxSide, maxSide, Qt::KeepAspectRatio));
    }
    return reader.read();
}

} // namespace

// One stored answer on the undo stack. It is pushed after the judgment was stored, so the
// first redo() (which QUndoStack::push() calls) does nothing.
class JudgmentCommand : public QUndoCommand
{
public:
    JudgmentCommand(TripletRater *rater, const Judgment &judgment)
        : QUndoCommand(TripletRater::tr("judgment “%1”").arg(choiceText(judgment.choice)))
        , m_rater(rater)
        , m_judgment(judgment)
    {
    }

    void undo() override { m_rater->removeJudgment(m_judgment); }

    void redo() override
    {
        if (m_pushed) {
            m_pushed = false;
            return;
        }
        if (!m_rater->restoreJudgment(m_judgment)) {
            setObsolete(true);
        }
    }

private:
    TripletRater *m_rater;
    Judgment m_judgment;
    bool m_pushed = true;
};

TripletRater::TripletRater(QWidget *parent)
    : QWidget(parent)
    , m_thumbnails(256, 4 * 1024 * 1024)
    , m_undoStack(new QUndoStack(this))
    , m_anchor(new ImagePane(this))
    , m_first(new ImagePane(this))
    , m_second(new ImagePane(this))
    , m_firstButton(new QPushButton(tr("← First (1)"), this))
    , m_tieButton(new QPushButton(tr("Can't tell (T)"), this))
    , m_skipButton(new QPushButton(tr("Skip (S)"), this))
    , m_secondButton(new QPushButton(tr("Second (2) →"), this))
    , m_undoButton(new QPushButton(tr("Undo"), this))
    , m_counts(new QLabel(this))
    , m_message(new QLabel(this))
{
    setFocusPolicy(Qt::StrongFocus);
    m_anchor->setCaption(tr("Anchor"));
    m_first->setCaption(tr("1 · First candidate"));
    m_second->setCaption(tr("2 · Second candidate"));
    m_anchor->setHighlighted(true);
    m_first->setToolTip(tr("Click, press 1 or Left if this one is more similar to the anchor"));
    m_second->setToolTip(tr("Click, press 2 or Right if this one is more similar to the anchor"));
    connect(m_first, &ImagePane::clicked, this, &TripletRater::chooseFirst);
    connect(m_second, &ImagePane::clicked, this, &TripletRater::chooseSecond);

    // Buttons never take focus, so the answer keys keep reaching the rater after a click.
    const std::pair<QPushButton *, QString> tips[] = {
        {m_firstButton, tr("The first candidate is more similar to the anchor (1 or Left)")},
        {m_tieButton, tr("Both are equally similar, or you cannot tell (T or 0)")},
        {m_skipButton, tr("Skip this triplet, e.g. when an image is broken (S)")},
        {m_secondButton, tr("The second candidate is more similar to the anchor (2 or Right)")},
        {m_undoButton, tr("Take back the last answer (Ctrl+Z or Backspace)")},
    };
    for (const auto &[button, tip] : tips) {
        button->setFocusPolicy(Qt::NoFocus);
        button->setToolTip(tip);
    }
    connect(m_firstButton, &QPushButton::clicked, this, &TripletRater::chooseFirst);
    connect(m_tieButton, &QPushButton::clicked, this, &TripletRater::chooseTie);
    connect(m_skipButton, &QPushButton::clicked, this, &TripletRater::skip);
    connect(m_secondButton, &QPushButton::clicked, this, &TripletRater::chooseSecond);
    connect(m_undoButton, &QPushButton::clicked, this, &TripletRater::undo);
    connect(m_undoStack, &QUndoStack::canUndoChanged, m_undoButton, &QPushButton::setEnabled);
    m_undoButton->setEnabled(false);

    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_counts->setAlignment(Qt::AlignCenter);
    m_counts->setEnabled(false);

    auto *question = new QLabel(tr("Which candidate is more similar to the anchor?"), this);
    QFont larger = question->font();
    larger.setPointSizeF(larger.pointSizeF() * 1.25);
    question->setFont(larger);
    question->setAlignment(Qt::AlignCenter);

    auto *images = new QHBoxLayout;
    images->addWidget(m_first, 1);
    images->addWidget(m_anchor, 1);
    images->addWidget(m_second, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_firstButton);
    buttons->addStretch();
    buttons->addWidget(m_tieButton);
    buttons->addWidget(m_skipButton);
    buttons->addWidget(m_undoButton);
    buttons->addStretch();
    buttons->addWidget(m_secondButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(question);
    layout->addLayout(images, 1);
    layout->addWidget(m_message);
    layout->addLayout(buttons);
    layout->addWidget(m_counts);

    showEmpty(tr("No project open."));
}

TripletRater::~TripletRater() = default;

void TripletRater::setProject(Project *project)
{
    m_undoStack->clear();
    m_project = project;
    m_thumbnails.setProject(project);
    m_sampler.reset();
    m_anchorImages.clear();
    m_triplet.reset();
    m_sessionCount = 0;
    nextTriplet();
}

void TripletRater::setVersionData(std::shared_ptr<const VersionData> data)
{
    m_data = std::move(data);
    invalidateSampler();
}

void TripletRater::invalidateSampler()
{
    m_sampler.reset();
    if (!m_triplet && m_project) {
        nextTriplet();
    }
}

void TripletRater::setAnchorImages(const QVector<qint64> &imageIds)
{
    m_anchorImages = imageIds;
    if (m_sampler) {
        m_sampler->setAnchorPool(m_anchorImages);
    }

    // A triplet about an image outside the new pool makes way at once.
    if (m_project && (!m_triplet || (!imageIds.isEmpty()
                                     && !imageIds.contains(m_triplet->anchorId)))) {
        nextTriplet();
    }
}

void TripletRater::setAnnotator(const QString &name)
{
    m_annotator = name.trimmed();
}

void TripletRater::nextTriplet()
{
    if (!m_project) {
        m_triplet.reset();
        showEmpty(tr("No project open."));
        return;
    }

    // TODO(#5): build the sampler on a worker thread; it reads every image and label once.
    if (!m_sampler) {
        m_sampler = std::make_unique<TripletSampler>(*m_project, m_data,
                                                     QRandomGenerator::global()->generate64());
        m_sampler->setAnchorPool(m_anchorImages);
    }
    const std::optional<TripletProposal> proposal = m_sampler->next();
    if (!proposal) {
        m_triplet.reset();
        showEmpty(tr("Rating needs at least three usable images.\n"
                     "Add some with File → Import Folder…"));
        return;
    }
    showTriplet(*proposal);
}

void TripletRater::showTriplet(const TripletProposal &triplet)
{
    m_triplet = triplet;
    m_shownVersion = m_project->currentModelVersion();
    m_anchor->setPixmap(m_thumbnails.tile(triplet.anchorId));
    m_first->setPixmap(m_thumbnails.tile(triplet.firstId));
    m_second->setPixmap(m_thumbnails.tile(triplet.secondId));
    for (ImagePane *pane : {m_anchor, m_first, m_second}) {
        pane->setPlaceholder(tr("No preview"));
    }

    for (QPushButton *button : {m_firstButton, m_tieButton, m_skipButton, m_secondButton}) {
        button->setEnabled(true);
    }
    m_message->clear();
    updateCounts();
    loadFullImages();
    m_shownAt.start();
}

void TripletRater::showEmpty(const QString &text)
{
    for (ImagePane *pane : {m_anchor, m_first, m_second}) {
        pane->setPixmap({});
        pane->setPlaceholder({});
    }
    for (QPushButton *button : {m_firstButton, m_tieButton, m_skipButton, m_secondButton}) {
        button->setEnabled(false);
    }
    m_message->setText(text);
    updateCounts();
}

void TripletRater::loadFullImages()
{
    // The thumbnails show at once; sharper pictures follow from the files, off the GUI thread.
    QStringList paths;
    for (qint64 id : {m_triplet->anchorId, m_triplet->firstId, m_triplet->secondId}) {
        const std::optional<ImageRecord> record = m_project->image(id);
        paths.append(record ? record->path : QString());
    }

    const quint64 serial = ++m_loadSerial;
    auto *watcher = new QFutureWatcher<QList<QImage>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, serial] {
        watcher->deleteLater();
        if (serial != m_loadSerial || !m_triplet || watcher->future().resultCount() == 0) {
            return;
        }
        const QList<QImage> pictures = watcher->result();
        ImagePane *const panes[] = {m_anchor, m_first, m_second};
        for (int i = 0; i < 3; ++i) {
            if (!pictures.at(i).isNull()) {
                panes[i]->setPixmap(QPixmap::fromImage(pictures.at(i)));
            }
        }
    });
    watcher->setFuture(QtConcurrent::run([paths] {
        QList<QImage> pictures;
        for (const QString &path : paths) {
            pictures.append(path.isEmpty() ? QImage() : loadScaledImage(path, FullImageSide));
        }
        return pictures;
    }));
}

void TripletRater::answer(Choice choice)
{
    if (!m_project || !m_triplet) {
        return;
    }

    Judgment judgment;
    judgment.anchorId = m_triplet->anchorId;
    judgment.firstId = m_triplet->firstId;
    judgment.secondId = m_triplet->secondId;
    judgment.choice = choice;
    judgment.annotator = m_annotator;
    judgment.sampler = m_triplet->sampler;
    judgment.modelVersion = m_shownVersion;
    judgment.responseMs = m_shownAt.isValid() ? m_shownAt.elapsed() : 0;
    if (storeJudgment(judgment)) {
        nextTriplet();
    }
}

bool TripletRater::storeJudgment(Judgment judgment)
{
    if (!m_project) {
        return false;
    }
    if (judgment.annotator.isEmpty()) {
        judgment.annotator = m_annotator;
    }
    judgment.createdAt = QDateTime::currentDateTimeUtc();

    const Result<qint64> id = m_project->addJudgment(judgment);
    if (!id) {
        qCWarning(lcGui) << "Could not store a judgment:" << id.error();
        showError(tr("Could not store the answer: %1").arg(id.error()));
        return false;
    }
    judgment.id = *id;
    qCDebug(lcGui) << "Judgment" << judgment.id << choiceName(judgment.choice) << "by sampler"
                   << judgment.sampler << "in" << judgment.responseMs << "ms";

    ++m_sessionCount;
    m_undoStack->push(new JudgmentCommand(this, judgment));
    Q_EMIT judgmentsChanged(m_project->judgmentCount());
    return true;
}

void TripletRater::undo()
{
    m_undoStack->undo();
}

void TripletRater::redo()
{
    m_undoStack->redo();
}

void TripletRater::removeJudgment(const Judgment &judgment)
{
    if (!m_project) {
        return;
    }

    const Status removed = m_project->removeJudgment(judgment.id);
    if (!removed) {
        qCWarning(lcGui) << "Could not remove judgment" << judgment.id << ":" << removed.error();
        showError(tr("Could not take back the answer: %1").arg(removed.error()));
        return;
    }

    // Show the triplet again, so the annotator can give the answer they meant.
    --m_sessionCount;
    showTriplet({judgment.anchorId, judgment.firstId, judgment.secondId, judgment.sampler});
    Q_EMIT judgmentsChanged(m_project->judgmentCount());
}

bool TripletRater::restoreJudgment(const Judgment &judgment)
{
    if (!m_project) {
        return false;
    }

    const Status restored = m_project->restoreJudgment(judgment);
    if (!restored) {
        qCWarning(lcGui) << "Could not restore judgment" << judgment.id << ":"
                         << restored.error();
        showError(tr("Could not restore the answer: %1").arg(restored.error()));
        return false;
    }

    ++m_sessionCount;
    Q_EMIT judgmentsChanged(m_project->judgmentCount());
    nextTriplet();
    return true;
}

void TripletRater::updateCounts()
{
    if (!m_project) {
        m_counts->clear();
        return;
    }
    m_counts->setText(tr("Answers this session: %1 · Judgments in the project: %2")
                          .arg(m_sessionCount)
                          .arg(m_project->judgmentCount()));
}

void TripletRater::showError(const QString &text)
{
    m_message->setText(text);
}

void TripletRater::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Undo)) {
        undo();
        return;
    }
    if (event->matches(QKeySequence::Redo)) {
        redo();
        return;
    }

    // Answer keys are plain keys; Ctrl+S and friends belong to the window.
    const Qt::KeyboardModifiers plain = Qt::NoModifier | Qt::KeypadModifier | Qt::ShiftModifier;
    if ((event->modifiers() & ~plain) != Qt::NoModifier) {
        QWidget::keyPressEvent(event);
        return;
    }

    switch (event->key()) {
    case Qt::Key_1:
    case Qt::Key_Left:
        chooseFirst();
        return;
    case Qt::Key_2:
    case Qt::Key_Right:
        chooseSecond();
        return;
    case Qt::Key_T:
    case Qt::Key_0:
        chooseTie();
        return;
    case Qt::Key_S:
        skip();
        return;
    case Qt::Key_Backspace:
        undo();
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

void TripletRater::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);

    // A triplet shown while the rater was hidden has not been seen yet; time it from now.
    if (m_triplet) {
        m_shownAt.start();
    }
}

} // namespace likeness
