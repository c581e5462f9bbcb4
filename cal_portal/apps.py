from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalPortalConfig(AppConfig):
    name = "cal_portal"
    verbose_name = _("CAL Portal")

    def ready(self) -> None:
        import django_stubs_ext
        from rest_framework import fields, generics, mixins, relations, serializers, viewsets

        # DRF's generic classes subscriptable at run time, as djangorestframework-stubs spell them.
        django_stubs_ext.monkeypatch(
            extra_classes=[
                fields.Field,
                relations.RelatedField,
                generics.GenericAPIView,
                mixins.CreateModelMixin,
                mixins.ListModelMixin,
                mixins.RetrieveModelMixin,
                mixins.UpdateModelMixin,
                serializers.BaseSerializer,
                viewsets.GenericViewSet,
                viewsets.ReadOnlyModelViewSet,
                viewsets.ModelViewSet,
            ]
        )
