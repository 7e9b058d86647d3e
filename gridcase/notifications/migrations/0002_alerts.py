import django.contrib.postgres.fields
import django.db.models.deletion
import gridcase.lib.clock
import gridcase.notifications.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('geodata', '0001_initial'),
        ('notifications', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='delivery',
            name='not_before',
            field=models.DateTimeField(blank=True, help_text='非紧急消息在接收人的免打扰时段内推迟到此时发送', null=True, verbose_name='免打扰至'),
        ),
        migrations.AlterField(
            model_name='delivery',
            name='status',
            field=models.CharField(choices=[('pending', '待发送'), ('sending', '发送中'), ('sent', '已发送'), ('failed', '发送失败')], default='pending', max_length=10, verbose_name='状态'),
        ),
        migrations.CreateModel(
            name='Alert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=64, verbose_name='类型')),
                ('title', models.CharField(max_length=200, verbose_name='标题')),
                ('body', models.TextField(blank=True, verbose_name='内容')),
                ('url', models.CharField(blank=True, max_length=500, validators=[gridcase.notifications.models.validate_relative_url], verbose_name='链接')),
                ('subject_kind', models.CharField(blank=True, max_length=16, verbose_name='对象类型')),
                ('subject_id', models.BigIntegerField(blank=True, null=True, verbose_name='对象')),
                ('area_code', models.CharField(blank=True, max_length=15, verbose_name='区域代码')),
                ('ack_minutes', models.PositiveSmallIntegerField(default=15, verbose_name='签收时限（分钟）')),
                ('step', models.PositiveSmallIntegerField(default=0, verbose_name='已升级到第几步')),
                ('created_at', models.DateTimeField(default=gridcase.lib.clock.now, verbose_name='时间')),
                ('next_escalation_at', models.DateTimeField(blank=True, null=True, verbose_name='下次升级时间')),
                ('acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='签收时间')),
                ('acknowledged_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='签收人')),
            ],
            options={
                'verbose_name': '紧急提醒',
                'verbose_name_plural': '紧急提醒',
            },
        ),
        migrations.AddField(
            model_name='notification',
            name='alert',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='notifications.alert', verbose_name='紧急提醒'),
        ),
        migrations.CreateModel(
            name='ContactPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channels', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=20), blank=True, default=list, help_text='留空为全部已启用的渠道', size=None, verbose_name='接收渠道')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='电子邮箱')),
                ('phone_encrypted', models.TextField(blank=True, editable=False, verbose_name='手机号（加密）')),
                ('wecom_userid', models.CharField(blank=True, help_text='群机器人消息中 @ 此人', max_length=64, verbose_name='企业微信账号')),
                ('quiet_from', models.TimeField(blank=True, null=True, verbose_name='免打扰开始')),
                ('quiet_until', models.TimeField(blank=True, null=True, verbose_name='免打扰结束')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='contact', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '接收设置',
                'verbose_name_plural': '接收设置',
            },
        ),
        migrations.CreateModel(
            name='EscalationPolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='名称')),
                ('area', models.OneToOneField(help_text='区县或乡镇；乡镇的策略优先于区县的', on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geodata.area', verbose_name='适用区域')),
            ],
            options={
                'verbose_name': '升级策略',
                'verbose_name_plural': '升级策略',
            },
        ),
        migrations.CreateModel(
            name='PolicyStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(verbose_name='顺序')),
                ('role', models.CharField(blank=True, help_text='该角色中辖区覆盖此地的人员，例如区县管理员（值班）', max_length=20, verbose_name='或按角色')),
                ('level', models.CharField(blank=True, choices=[('county', '区县'), ('town', '乡镇/街道'), ('village', '村/社区'), ('grid', '网格')], help_text='只通知辖区为该层级的人员，例如只通知区县的管理员', max_length=8, verbose_name='角色所在层级')),
                ('policy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='notifications.escalationpolicy', verbose_name='升级策略')),
                ('users', models.ManyToManyField(blank=True, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='指定人员')),
            ],
            options={
                'verbose_name': '升级步骤',
                'verbose_name_plural': '升级步骤',
                'ordering': ['policy', 'order'],
            },
        ),
        migrations.AddIndex(
            model_name='alert',
            index=models.Index(fields=['subject_kind', 'subject_id'], name='alert_subject_idx'),
        ),
        migrations.AddIndex(
            model_name='alert',
            index=models.Index(condition=models.Q(('acknowledged_at__isnull', True), ('next_escalation_at__isnull', False)), fields=['next_escalation_at'], name='alert_silent_idx'),
        ),
        migrations.AddConstraint(
            model_name='policystep',
            constraint=models.UniqueConstraint(fields=('policy', 'order'), name='policy_step_order_once'),
        ),
    ]
