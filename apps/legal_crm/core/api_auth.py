"""POST /api/v1/auth/token/ — a token for integrations, in exchange for username and password."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from . import services
from .errors import DomainError


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("логин"))
    password = serializers.CharField(label=_("пароль"), style={"input_type": "password"}, trim_whitespace=False)


class TokenThrottle(AnonRateThrottle):
    rate = "20/min"


class ObtainTokenView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (TokenThrottle,)

    @extend_schema(request=TokenRequestSerializer,
                   responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
                   summary="Получить токен API", tags=["auth"])
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request=request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None:
            raise DomainError("invalid_credentials", _("Неверный логин или пароль, либо вход заблокирован."))
        token = services.api_token_obtain(user=user)
        return Response({"token": token.key})
