"""Float tensors with memory of their own, so that a quantised model lets go of the
memory-mapped safetensors file it was loaded from.

fp32 weights loaded from safetensors are views of the mapped file. After int8
quantisation only a few float tensors remain (embeddings, norms, biases), but one view
keeps the whole mapping alive, with every page quantising read: the bench summariser
then held its 658 MB fp32 file beside its int8 weights, and int8 used more memory than
fp32. Copies of those tensors let the file be unmapped. A copy is read from the file
itself where that works (``/proc/self/maps`` names the file and offset), so the mapped
pages of a 488 MB embedding are never touched; elsewhere it is a plain clone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Mapping:
    start: int
    end: int
    offset: int  # where in the file the mapping starts
    path: str


def file_mappings() -> list[Mapping]:
    """This process's file mappings (none where ``/proc`` is missing)."""
    try:
        lines = Path("/proc/self/maps").read_text().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        parts = line.split(maxsplit=5)
        if len(parts) == 6 and parts[5].startswith("/"):
            start, end = (int(x, 16) for x in parts[0].split("-"))
            found.append(Mapping(start, end, int(parts[2], 16), parts[5]))
    return found


def copy_of(tensor, mappings: list[Mapping]):
    """``tensor`` in memory of its own: itself if it views no mapped file, read from the
    file if it does and is contiguous, else a clone."""
    import torch

    address, size = tensor.data_ptr(), tensor.numel() * tensor.element_size()
    where = next((m for m in mappings if m.start <= address and address + size <= m.end),
                 None)
    if where is None and mappings:
        return tensor  # its own memory already
    if where is None or not tensor.is_contiguous() or tensor.device.type != "cpu":
        return tensor.clone()  # without /proc nothing tells views from owners
    out = torch.empty_like(tensor)
    view = memoryview(out.view(torch.uint8).numpy()).cast("B")
    try:
        with open(where.path, "rb", buffering=0) as file:
            file.seek(where.offset + address - where.start)
            done = 0
            while done < size:
                read = file.readinto(view[done:])
                if not read:
                    raise OSError("file shorter than its mapping")
                done += read
    except OSError:  # moved or replaced since it was mapped: the mapping still reads
        return tensor.clone()
    return out


def own_parameters(parameters, mappings: list[Mapping]) -> None:
    """Swap each float parameter's data for a copy. Tied weights stay tied: the Parameter
    objects are kept, only their data moves."""
    seen = set()
    for parameter in parameters:
        if parameter is None or id(parameter) in seen or not parameter.is_floating_point():
            continue
        seen.add(id(parameter))
        parameter.data = copy_of(parameter.data, mappings)


def own_buffers(model, mappings: list[Mapping]) -> None:
    """The same for buffers. A buffer can be a view (Marian's ``final_logits_bias`` is a
    reshaped flat tensor of the file), and swapping ``.data`` keeps what it views, so the
    buffer itself is replaced; a buffer shared by modules stays shared."""
    copies = {}
    for module in model.modules():
        for name, buffer in list(module.named_buffers(recurse=False)):
            if buffer is not None and buffer.is_floating_point():
                if id(buffer) not in copies:
                    copies[id(buffer)] = copy_of(buffer, mappings)
                setattr(module, name, copies[id(buffer)])
