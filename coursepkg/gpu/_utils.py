"""Torch helpers for the GPU cells: device choice, seeding, the lectures' CNN, data and training.

This is the only place coursepkg imports torch, so ``import coursepkg`` stays fast.

Image size: the lectures' ``Net`` (two 3x3 convolutions, each followed by 2x2 max pooling) was
designed for 32x32 inputs. scikit-learn's 8x8 digits are too small for it (8 -> 6 -> 3 -> 1 -> 0),
so :func:`digits_loaders` upsamples them bilinearly to 32x32 and MNIST's 28x28 images are padded
with 2 zero pixels a side; the same ``Net`` then serves both data sets unchanged.
"""
import random

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

__all__ = [
    'device', 'seed_everything', 'on_gpu', 'Net', 'train', 'evaluate', 'random_shift', 'digits_loaders',
    'mnist_loaders', 'has_torchvision', 'make_loader', 'MNIST_MEAN', 'MNIST_STD',
]

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def device(prefer="cuda"):
    """The torch device the GPU cells run on: CUDA when present (and preferred), else the CPU.

    Examples
    --------
    >>> device("cpu")
    device(type='cpu')
    """
    if prefer not in ("cuda", "cpu"):
        raise ValueError(f"prefer must be 'cuda' or 'cpu'; got {prefer!r}")
    if prefer == "cuda" and torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def on_gpu():
    """True when a CUDA GPU is available; GPU cells then run at full size."""
    return torch.cuda.is_available()


def seed_everything(seed):
    """Seed Python's, numpy's and torch's generators (all devices) with ``seed``."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return seed


class Net(nn.Module):
    """The small CNN of the lectures: conv(1->6, 3x3) - pool - conv(6->16, 3x3) - pool - 120 - 84 - classes.

    ``image_size`` is the side of the square input (32 by default: 32 -> 30 -> 15 -> 13 -> 6, so
    the first fully connected layer sees 16 * 6 * 6 features).

    Examples
    --------
    >>> net = Net()
    >>> tuple(net(torch.zeros(2, 1, 32, 32)).shape)
    (2, 10)
    >>> sum(p.numel() for p in net.parameters())
    81194
    """

    def __init__(self, n_classes=10, image_size=32):
        super().__init__()
        side = ((image_size - 2) // 2 - 2) // 2
        if side < 1:
            raise ValueError(f"image_size must be at least 10 for two conv+pool stages; got {image_size}")
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * side * side, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, n_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def evaluate(model, loader, loss_fn=None, device=None):
    """Mean loss and accuracy of ``model`` over ``loader`` (no gradients, eval mode)."""
    loss_fn = nn.CrossEntropyLoss(reduction="sum") if loss_fn is None else loss_fn
    dev = device if device is not None else next(model.parameters()).device
    model.eval()
    total, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(dev), yb.to(dev)
            out = model(xb)
            loss = loss_fn(out, yb)
            total += float(loss) * (1 if getattr(loss_fn, "reduction", "mean") == "sum" else len(yb))
            correct += int((out.argmax(dim=1) == yb).sum())
            count += len(yb)
    return total / count, correct / count


def random_shift(images, max_shift, generator=None, fill=None):
    """Shift every image of a batch by its own random integer offset, filling the gap (no wrap-around).

    Image ``i`` moves by ``(dy_i, dx_i)``, each drawn uniformly from ``-max_shift..max_shift``;
    pixels pushed off one side are lost and the uncovered strip on the other side gets ``fill``
    (default: that image's minimum, the background of a standardised digit). ``torch.roll`` would
    instead wrap the lost pixels round to the far side, pasting stroke fragments into the margin.

    Parameters
    ----------
    images : torch.Tensor, shape (n, channels, height, width)
    max_shift : int, largest shift in pixels, ``0 <= max_shift < min(height, width)``
    generator : torch.Generator or None, the source of the offsets (on the CPU)
    fill : float or None

    Examples
    --------
    >>> x = torch.arange(9.0).reshape(1, 1, 3, 3)
    >>> g = torch.Generator().manual_seed(7)  # this draw moves the image up by one row
    >>> random_shift(x, 1, generator=g, fill=-1.0)[0, 0]
    tensor([[ 3.,  4.,  5.],
            [ 6.,  7.,  8.],
            [-1., -1., -1.]])
    """
    if not isinstance(images, torch.Tensor) or images.ndim != 4:
        shape = tuple(images.shape) if hasattr(images, "shape") else type(images).__name__
        raise ValueError(f"images must be a 4-d tensor (n, channels, height, width); got {shape}")
    n, _, height, width = images.shape
    if isinstance(max_shift, bool) or not isinstance(max_shift, int) or not 0 <= max_shift < min(height, width):
        raise ValueError(f"max_shift must be an integer in [0, {min(height, width)}); got {max_shift!r}")
    offsets = torch.randint(-max_shift, max_shift + 1, (2, n), generator=generator).to(images.device)
    dy, dx = offsets
    if fill is None:
        fill_values = images.flatten(1).min(dim=1).values
    else:
        fill_values = torch.full((n,), float(fill), dtype=images.dtype, device=images.device)
    s = max_shift
    padded = F.pad(images, (s, s, s, s))
    # overwrite the zero border with each image's own fill value
    border = torch.ones_like(padded[:1, :1], dtype=torch.bool)
    border[..., s:s + height, s:s + width] = False
    padded = torch.where(border, fill_values.view(n, 1, 1, 1), padded)
    # output pixel (r, c) of image i is input pixel (r - dy_i, c - dx_i): an index gather, one shift per image
    rows = torch.arange(height, device=images.device)[None, :] + s - dy[:, None]
    cols = torch.arange(width, device=images.device)[None, :] + s - dx[:, None]
    i = torch.arange(n, device=images.device)[:, None, None]
    out = padded.permute(0, 2, 3, 1)[i, rows[:, :, None], cols[:, None, :]]
    return out.permute(0, 3, 1, 2).contiguous()


def train(model, train_loader, optimizer, loss_fn=None, n_epochs=1, device=None, val_loader=None,
          scheduler=None, verbose=True, augment=None):
    """The training loop: for each batch zero_grad, forward, loss, backward, step.

    Returns a history dict of per-epoch lists: ``train_loss`` (mean over the epoch's batches)
    and, with ``val_loader``, ``val_loss`` and ``val_acc``. ``verbose`` shows a tqdm progress bar.
    ``augment``, when given, maps each training batch of inputs to a transformed batch of the same
    shape (e.g. ``lambda xb: random_shift(xb, 4, generator=g)``) just before the forward pass, so
    every epoch sees fresh copies; evaluation never augments.
    """
    if augment is not None and not callable(augment):
        raise TypeError(f"augment must be a callable batch -> batch or None; got {type(augment).__name__}")
    from tqdm.auto import tqdm

    if int(n_epochs) < 1:
        raise ValueError(f"n_epochs must be a positive integer; got {n_epochs!r}")
    loss_fn = nn.CrossEntropyLoss() if loss_fn is None else loss_fn
    dev = device if device is not None else next(model.parameters()).device
    model.to(dev)
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    bar = tqdm(total=int(n_epochs) * len(train_loader), disable=not verbose, desc="training")
    for _ in range(int(n_epochs)):
        model.train()
        total, count = 0.0, 0
        for xb, yb in train_loader:
            xb, yb = xb.to(dev), yb.to(dev)
            if augment is not None:
                xb = augment(xb)
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(yb)
            count += len(yb)
            bar.update(1)
        if scheduler is not None:
            scheduler.step()
        history["train_loss"].append(total / count)
        if val_loader is not None:
            val_loss, val_acc = evaluate(model, val_loader, device=dev)
            history["val_loss"].append(val_loss)
            history["val_acc"].append(val_acc)
            bar.set_postfix(val_acc=f"{val_acc:.3f}")
    bar.close()
    return history


def make_loader(images, labels, batch_size=64, shuffle=False, seed=0):
    """A DataLoader over (images, labels) tensors; with ``shuffle``, its order is fixed by ``seed``."""
    dataset = torch.utils.data.TensorDataset(images, labels)
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=generator)


def digits_loaders(batch_size=64, image_size=32, test_size=0.25, seed=0):
    """Train and test DataLoaders for scikit-learn's 8x8 digits, upsampled to ``image_size``.

    Pixels (0..16) are scaled to [0, 1] then standardised with the training mean and std; the
    split is stratified and fixed by ``seed``. ``image_size=8`` keeps the raw resolution.

    >>> train_loader, test_loader = digits_loaders()
    >>> xb, yb = next(iter(test_loader))
    >>> tuple(xb.shape), len(train_loader.dataset) + len(test_loader.dataset)
    ((64, 1, 32, 32), 1797)
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X / 16.0, y, test_size=test_size, stratify=y, random_state=seed)
    mean, std = X_tr.mean(), X_tr.std()

    def to_images(A):
        t = torch.tensor((A - mean) / std, dtype=torch.float32).reshape(-1, 1, 8, 8)
        if image_size != 8:
            t = F.interpolate(t, size=(image_size, image_size), mode="bilinear", align_corners=False)
        return t

    return (make_loader(to_images(X_tr), torch.tensor(y_tr), batch_size, True, seed),
            make_loader(to_images(X_te), torch.tensor(y_te), batch_size, False, seed))


def has_torchvision():
    """True when torchvision can be imported (as in Colab); MNIST is only loaded then."""
    try:
        import torchvision  # noqa: F401
    except ImportError:
        return False
    return True


def _torchvision_mnist(root):
    import torchvision

    return lambda train: torchvision.datasets.MNIST(root, train=train, download=True)


def mnist_loaders(batch_size=64, root="data", n_train=None, seed=0, dataset=None):
    """Train and test DataLoaders for MNIST, padded from 28x28 to 32x32 and standardised.

    ``dataset(train)`` must return an object with ``.data`` (uint8 images, shape (n, 28, 28))
    and ``.targets`` (labels); by default it is torchvision's ``MNIST`` with ``download=True``,
    which needs torchvision and the internet (Colab). Passing another ``dataset`` (as the tests do
    with a few fake images) runs the same code without downloading. ``n_train`` keeps only the
    first ``n_train`` training images (the reduced CPU run).
    """
    if dataset is None:
        if not has_torchvision():
            raise ImportError("mnist_loaders needs torchvision (pip install torchvision), e.g. on Colab")
        dataset = _torchvision_mnist(root)

    def arrays(train):
        ds = dataset(train)
        images = torch.as_tensor(np.asarray(ds.data), dtype=torch.float32)
        labels = torch.as_tensor(np.asarray(ds.targets), dtype=torch.long)
        if images.ndim != 3 or images.shape[1:] != (28, 28):
            raise ValueError(f"MNIST images must have shape (n, 28, 28); got {tuple(images.shape)}")
        if train and n_train is not None:
            images, labels = images[:n_train], labels[:n_train]
        images = (images / 255.0 - MNIST_MEAN) / MNIST_STD
        images = F.pad(images, (2, 2, 2, 2), value=-MNIST_MEAN / MNIST_STD).unsqueeze(1)
        return images, labels

    return make_loader(*arrays(True), batch_size, True, seed), make_loader(*arrays(False), batch_size, False, seed)
