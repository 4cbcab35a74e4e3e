"""summarise: German and English abstracts of documents at several lengths.

The library is importable without loading torch; models load on first use::

    from summarise import Document, Pipeline, Settings
    pipeline = Pipeline(Settings(langs=("en",), lengths=("short",)))
    [result] = pipeline.run([Document(id="a", source="-", text=german_text)])
    print(result.summaries[0].text)
"""

__version__ = "0.1.0"

from .config import Settings, load_settings  # noqa: E402
from .documents import Document  # noqa: E402
from .pipeline import DocumentResult, Pipeline, Summary  # noqa: E402

__all__ = ["Document", "DocumentResult", "Pipeline", "Settings", "Summary", "__version__",
           "load_settings"]
