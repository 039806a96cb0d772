#pragma once

#include <QByteArray>
#include <QVector>

namespace likeness {

// The classic embedding: a hand-made descriptor that needs no training, used as model
// version 0. It concatenates a small grey image, a colour histogram and a histogram of
// gradient orientations, each part normalised, and is L2-normalised as a whole.
inline constexpr int ClassicDescriptorSize = 16 * 16 + 64 + 4 * 4 * 8;

// modelInput: ModelInputBytes bytes (see decoder.h). Writes ClassicDescriptorSize floats.
void classicDescriptor(const QByteArray &modelInput, float *out);

} // namespace likeness
