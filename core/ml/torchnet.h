#pragma once

// Private to core/ml/*.cpp: the LibTorch network. Include only from .cpp files, after Qt
// headers (QT_NO_KEYWORDS keeps Qt's macros out of ATen's way).

#include "ml/network.h"

#include <QByteArray>
#include <QVector>

#include <torch/torch.h>

namespace likeness {

// A small CNN for ModelInputSide × ModelInputSide RGB inputs:
//   input  N × 3 × 32 × 32 float (normalised)
//   3 blocks of a 3×3 conv (32, 64, 128 channels), batch norm, ReLU and 2× pooling
//   global average pool, linear 128 → 128, ReLU, linear 128 → d, batch norm (which centres
//   the embeddings so that they spread over the sphere) → embedding N × d, L2-normalised.
//   The label head scores labels by cosine against one learned vector per label, times a
//   fixed scale (normalised softmax), so classification and neighbours use the same space.
struct EmbeddingNetImpl : torch::nn::Module
{
    EmbeddingNetImpl(int embeddingDimension, int labelCount);

    // pixels: N × S × S × 3 uint8 (RGB) → N × d float, L2-normalised rows.
    torch::Tensor embed(const torch::Tensor &pixels);
    // embeddings: N × d → N × labelCount logits.
    torch::Tensor labelLogits(const torch::Tensor &embeddings);

    torch::nn::Sequential features{nullptr};
    torch::nn::Sequential projection{nullptr};
    torch::Tensor labelVectors; // labelCount × d, empty without labels
};
TORCH_MODULE(EmbeddingNet);

inline constexpr double LabelLogitScale = 16.0;

// Packs model inputs (ModelInputBytes each) into an N × S × S × 3 uint8 tensor on the CPU.
torch::Tensor packInputs(const QVector<QByteArray> &inputs);

} // namespace likeness
