#include "neighbourview.h"

#include "guilogging.h"
#include "ml/modelversion.h"
#include "ml/neighbours.h"
#include "store/project.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace likeness {

namespace {

constexpr int NeighbourTileSide = 96;
constexpr int ImageIdRole = Qt::UserRole + 1;

} // namespace

NeighbourView::NeighbourView(QWidget *parent)
    : QWidget(parent)
    , m_thumbnails(NeighbourTileSide, 8 * 1024 * 1024)
    , m_header(new QLabel(this))
    , m_count(new QSpinBox(this))
    , m_list(new QListWidget(this))
    , m_message(new QLabel(this))
    , m_moreLike(new QPushButton(tr("More like this"), this))
    , m_notLike(new QPushButton(tr("Not like this"), this))
{
    m_header->setWordWrap(true);
    m_header->setTextFormat(Qt::PlainText);
    m_count->setRange(1, 200);
    m_count->setValue(24);
    m_count->setPrefix(tr("Show "));
    m_count->setToolTip(tr("How many neighbours to show"));
    connect(m_count, &QSpinBox::valueChanged, this, &NeighbourView::refresh);

    m_list->setViewMode(QListView::IconMode);
    m_list->setMovement(QListView::Static);
    m_list->setResizeMode(QListView::Adjust);
    m_list->setUniformItemSizes(true);
    m_list->setIconSize(QSize(NeighbourTileSide, NeighbourTileSide));
    m_list->setGridSize(QSize(NeighbourTileSide + 16,
                              NeighbourTileSide + 2 * fontMetrics().height() + 4));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setToolTip(tr("Double-click a neighbour to select it in the gallery"));
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        Q_EMIT imageActivated(item->data(ImageIdRole).toLongLong());
    });

    m_moreLike->setToolTip(tr("Record that the selected neighbour is more similar to the "
                              "image than the least similar one shown"));
    m_notLike->setToolTip(tr("Record that the most similar other neighbour shown is more "
                             "similar to the image than the selected one"));
    connect(m_moreLike, &QPushButton::clicked, this, [this] { judgeSelected(true); });
    connect(m_notLike, &QPushButton::clicked, this, [this] { judgeSelected(false); });
    connect(m_list, &QListWidget::itemSelectionChanged, this, [this] {
        const bool selected = !m_list->selectedItems().isEmpty();
        m_moreLike->setEnabled(selected);
        m_notLike->setEnabled(selected);
    });

    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setEnabled(false);

    auto *top = new QHBoxLayout;
    top->addWidget(m_header, 1);
    top->addWidget(m_count);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_message, 1);
    auto *feedback = new QHBoxLayout;
    feedback->addStretch(1);
    feedback->addWidget(m_moreLike);
    feedback->addWidget(m_notLike);
    layout->addLayout(feedback);
    refresh();
}

NeighbourView::~NeighbourView() = default;

void NeighbourView::setProject(const Project *project)
{
    m_project = project;
    m_thumbnails.setProject(project);
    m_data.reset();
    m_imageId = 0;
    refresh();
}

void NeighbourView::setVersionData(std::shared_ptr<const VersionData> data)
{
    m_data = std::move(data);
    refresh();
}

void NeighbourView::showNeighboursOf(qint64 imageId)
{
    if (imageId == m_imageId) {
        return;
    }
    m_imageId = imageId;
    refresh();
}

int NeighbourView::neighbourCount() const
{
    return m_count->value();
}

void NeighbourView::setNeighbourCount(int k)
{
    m_count->setValue(k);
}

void NeighbourView::judgeSelected(bool moreLikeThis)
{
    const QList<QListWidgetItem *> selected = m_list->selectedItems();
    if (selected.isEmpty() || !m_data) {
        return;
    }
    const auto judgment = neighbourFeedbackJudgment(
        m_imageId, m_shown, selected.first()->data(ImageIdRole).toLongLong(), moreLikeThis, {},
        m_data->version);
    if (!judgment) {
        qCWarning(lcGui) << "No judgment recorded:" << judgment.error();
        return;
    }
    Q_EMIT neighbourJudged(*judgment);
}

void NeighbourView::showMessage(const QString &text)
{
    m_shown.clear();
    m_moreLike->setEnabled(false);
    m_notLike->setEnabled(false);
    m_list->clear();
    m_list->setVisible(false);
    m_message->setText(text);
    m_message->setVisible(true);
}

void NeighbourView::refresh()
{
    m_header->clear();
    if (!m_project) {
        showMessage(tr("No project open."));
        return;
    }
    if (m_imageId == 0) {
        showMessage(tr("Select an image in the gallery to see its nearest neighbours."));
        return;
    }

    const std::optional<ImageRecord> image = m_project->image(m_imageId);
    const QString name = image ? QFileInfo(image->path).fileName() : QString();
    if (!m_data) {
        m_header->setText(tr("Neighbours of %1").arg(name));
        showMessage(tr("No model version loaded yet. Neighbours appear once it is ready."));
        return;
    }
    m_header->setText(tr("Neighbours of %1 under model version %2").arg(name).arg(m_data->version));

    const Result<QVector<NeighbourInfo>> neighbours =
        nearestNeighbours(*m_project, *m_data, {m_imageId}, m_count->value());
    if (!neighbours) {
        qCDebug(lcGui) << "No neighbours for image" << m_imageId << ":" << neighbours.error();
        showMessage(tr("This image has no neighbours: %1").arg(neighbours.error()));
        return;
    }
    if (neighbours->isEmpty()) {
        showMessage(tr("This image has no neighbours yet."));
        return;
    }

    // Rebuilding a few dozen items is cheaper than diffing them.
    m_list->clear();
    m_shown.clear();
    for (const NeighbourInfo &neighbour : *neighbours) {
        const std::optional<ImageRecord> record = m_project->image(neighbour.id);
        const QString fileName = record ? QFileInfo(record->path).fileName() : QString();
        const QString similarity = QLocale().toString(neighbour.similarity, 'f', 3);
        auto *item = new QListWidgetItem(neighbour.judgedWithQuery
                                             ? similarity + QStringLiteral(" \u25cf")
                                             : similarity);
        item->setIcon(m_thumbnails.tile(neighbour.id));
        item->setData(ImageIdRole, neighbour.id);
        QString tip = tr("%1\nsimilarity %2").arg(fileName, similarity);
        if (!neighbour.labels.isEmpty()) {
            tip += u'\n' + neighbour.labels.join(QStringLiteral(", "));
        }
        if (neighbour.judgedWithQuery) {
            tip += u'\n' + tr("already in a judgment with this image");
        }
        item->setToolTip(tip);
        m_list->addItem(item);
        m_shown.append({neighbour.id, neighbour.similarity});
    }
    m_moreLike->setEnabled(false);
    m_notLike->setEnabled(false);
    m_message->setVisible(false);
    m_list->setVisible(true);
}

} // namespace likeness
