from django.urls import path

from . import api

# The mailer adds creations/<id>/email/ in mailer/api_urls.py; these explicit paths leave it free.
urlpatterns = [
    path("creations/", api.MyCreations.as_view(), name="api-creations"),
    path("creations/<uuid:pk>/", api.MyCreation.as_view(), name="api-creation"),
    path("creations/<uuid:pk>/download/", api.MyCreationDownload.as_view(), name="api-creation-download"),
    path("creations/<uuid:pk>/publish/", api.Publish.as_view(), name="api-creation-publish"),
    path("creations/<uuid:pk>/unpublish/", api.Unpublish.as_view(), name="api-creation-unpublish"),
    path("board/", api.Board.as_view(), name="api-board"),
    path("board/<uuid:pk>/", api.Post.as_view(), name="api-board-post"),
    path("board/<uuid:pk>/like/", api.LikePost.as_view(), name="api-board-like"),
]
