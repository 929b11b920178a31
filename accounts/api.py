"""Accounts over the API: who am I, log in (throttled), log out. Pages use the HTML forms instead."""
from django.contrib.auth import authenticate, login, logout
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .forms import display_name
from .throttling import LoginRateThrottle
from .transfer import remember_anonymous_session


class MeSerializer(serializers.Serializer):
    authenticated = serializers.BooleanField()
    email = serializers.EmailField(allow_blank=True)
    display_name = serializers.CharField(allow_blank=True)


def me_data(user):
    if not user.is_authenticated:
        return {"authenticated": False, "email": "", "display_name": ""}
    return {"authenticated": True, "email": user.email, "display_name": str(display_name(user))}


class MeView(APIView):
    @extend_schema(responses=MeSerializer, summary="The account of this session, if any")
    def get(self, request):
        return Response(me_data(request.user))


class LoginSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class LoginView(APIView):
    throttle_classes = [LoginRateThrottle]

    @extend_schema(request=LoginSerializer, responses={200: MeSerializer, 400: inline_serializer(
        "LoginError", {"detail": serializers.CharField()})}, summary="Log in with email and password")
    def post(self, request):
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, username=data.validated_data["email"],
                            password=data.validated_data["password"])
        if user is None:
            return Response({"detail": _("That email and password do not match an account. Check both and try again.")},
                            status=status.HTTP_400_BAD_REQUEST)
        remember_anonymous_session(request._request)
        login(request._request, user)
        return Response(me_data(user))


class LogoutView(APIView):
    @extend_schema(request=None, responses=MeSerializer, summary="Log out")
    def post(self, request):
        logout(request._request)
        return Response(me_data(request._request.user))
