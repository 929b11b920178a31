"""Gallery and board API. Every query is scoped: my creations by `owned_q`, the board by `published()`;
someone else's private creation is a 404 here, never listed."""
from django.conf import settings
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.transfer import adopt_late_work
from accounts.verification import is_verified
from core.ownership import owned_q

from .models import Creation, CreationKind, Like
from .serializers import CreationSerializer, LikeSerializer, PostSerializer, PublishSerializer
from .sharing import download_response

UNCONFIRMED = gettext_lazy("Confirm your email address first: open the link we sent you, or send it again from your "
                          "account page. Then you can like pictures and share yours.")
KIND_PARAM = OpenApiParameter("kind", OpenApiTypes.STR, enum=CreationKind.values, description="Only this kind")
SORT_PARAM = OpenApiParameter("sort", OpenApiTypes.STR, enum=["new", "top"], description="new (default) or top")


class GalleryPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        self.page_size = settings.IMOGEN_GALLERY_PAGE_SIZE
        return super().get_page_size(request)


def filter_kind(queryset, request):
    kind = request.query_params.get("kind")
    return queryset.filter(kind=kind) if kind in CreationKind.values else queryset


def board_queryset(request):
    queryset = filter_kind(Creation.objects.published().select_related("owner"), request)
    if request.query_params.get("sort") == "top":
        return queryset.order_by("-like_count", "-published_at")
    return queryset.order_by("-published_at")


def liked_ids(request, creations):
    if not request.user.is_authenticated:
        return set()
    return set(Like.objects.filter(user=request.user, creation__in=[c.pk for c in creations])
               .values_list("creation_id", flat=True))


class MyCreations(generics.ListAPIView):
    serializer_class = CreationSerializer
    pagination_class = GalleryPagination

    def get_queryset(self):
        adopt_late_work(self.request._request)
        return filter_kind(Creation.objects.filter(owned_q(self.request)), self.request)

    @extend_schema(parameters=[KIND_PARAM], summary="My creations (account or this browser session), newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def my_creation(request, pk):
    return get_object_or_404(Creation.objects.filter(owned_q(request)), pk=pk)


class MyCreation(APIView):
    @extend_schema(responses=CreationSerializer, summary="One of my creations")
    def get(self, request, pk):
        return Response(CreationSerializer(my_creation(request, pk)).data)

    @extend_schema(responses={204: None}, summary="Delete one of my creations and its files")
    def delete(self, request, pk):
        my_creation(request, pk).delete_with_files()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyCreationDownload(APIView):
    @extend_schema(responses={(200, "image/png"): OpenApiTypes.BINARY, (200, "image/jpeg"): OpenApiTypes.BINARY},
                   summary="Download one of my creations: the full-size file, as an attachment")
    def get(self, request, pk):
        return download_response(request, my_creation(request, pk))


class Publish(APIView):
    @extend_schema(request=PublishSerializer, responses=CreationSerializer,
                   summary="Share one of my creations on the board (needs an account)")
    def post(self, request, pk):
        creation = my_creation(request, pk)
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Create a free account (or log in) to share on the board."))
        if not is_verified(request.user):
            raise PermissionDenied(UNCONFIRMED)
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        creation.title = data.validated_data["title"]
        creation.show_settings = data.validated_data["show_settings"]
        creation.published_at = creation.published_at or timezone.now()
        creation.save(update_fields=["title", "show_settings", "published_at"])
        return Response(CreationSerializer(creation).data)


class Unpublish(APIView):
    @extend_schema(request=None, responses=CreationSerializer, summary="Take one of my creations off the board")
    def post(self, request, pk):
        creation = my_creation(request, pk)
        creation.published_at = None
        creation.save(update_fields=["published_at"])
        return Response(CreationSerializer(creation).data)


class Board(generics.ListAPIView):
    serializer_class = PostSerializer
    pagination_class = GalleryPagination

    def get_queryset(self):
        return board_queryset(self.request)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        page = getattr(self.paginator, "page", None)
        context["liked_ids"] = liked_ids(self.request, list(page) if page is not None else [])
        return context

    @extend_schema(parameters=[KIND_PARAM, SORT_PARAM], summary="Published creations, newest or most liked first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def published_creation(pk):
    return get_object_or_404(Creation.objects.published().select_related("owner"), pk=pk)


class Post(APIView):
    @extend_schema(responses=PostSerializer, summary="One published creation")
    def get(self, request, pk):
        post = published_creation(pk)
        return Response(PostSerializer(post, context={"liked_ids": liked_ids(request, [post])}).data)


class LikePost(APIView):
    def _post(self, request, pk):
        if not request.user.is_authenticated:
            raise NotAuthenticated(_("Log in to like pictures: likes are for accounts, one per person."))
        post = published_creation(pk)
        if not is_verified(request.user):
            raise PermissionDenied(UNCONFIRMED)
        if post.owner_id == request.user.pk and request.method == "POST":
            raise PermissionDenied(_("You cannot like your own post."))
        return post

    @extend_schema(request=None, responses=LikeSerializer, summary="Like a post (once per account)")
    def post(self, request, pk):
        post = self._post(request, pk)
        try:
            with transaction.atomic():
                Like.objects.get_or_create(user=request.user, creation=post)
        except IntegrityError:  # two clicks at once: the other one already counted
            pass
        return Response({"liked": True, "like_count": post.refresh_like_count()})

    @extend_schema(request=None, responses=LikeSerializer, summary="Take back my like")
    def delete(self, request, pk):
        post = self._post(request, pk)
        Like.objects.filter(user=request.user, creation=post).delete()
        return Response({"liked": False, "like_count": post.refresh_like_count()})
