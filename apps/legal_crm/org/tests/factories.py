import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from legal_crm.core.models import User
from legal_crm.org.models import Banner, Employee, OffboardingTemplateItem, Office, Position


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Офис {n}")
    code = factory.Sequence(lambda n: f"office-{n}")
    city = "Москва"
    address = factory.Sequence(lambda n: f"Москва, ул. Тестовая, {n}")
    time_zone = "Europe/Moscow"


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Должность {n}")
    code = factory.Sequence(lambda n: f"position-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Иван"
    last_name = factory.Sequence(lambda n: f"Тестов{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "demo")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[g if isinstance(g, Group) else Group.objects.get(name=g) for g in extracted])
        if create:
            self.save()


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    main_office = factory.SubFactory(OfficeFactory)

    @factory.post_generation
    def offices(self, create, extracted, **kwargs):
        if not create:
            return
        self.offices.add(*(extracted or [self.main_office]))


class OffboardingTemplateItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OffboardingTemplateItem

    text = factory.Sequence(lambda n: f"Пункт {n}")
    responsible_group = factory.LazyFunction(lambda: Group.objects.get_or_create(name="Кадры")[0])
    order = factory.Sequence(int)


class BannerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Banner
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Объявление {n}")
    starts_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(extracted)

    @factory.post_generation
    def offices(self, create, extracted, **kwargs):
        if create and extracted:
            self.offices.set(extracted)
